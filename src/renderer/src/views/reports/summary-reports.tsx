import { useState } from 'react'
import type { In } from '#shared/contract'
import { SUMMARY_CHUNK_MAX } from '#shared/contract/summaries.contract'
import {
  SUMMARY_FORMATS,
  SUMMARY_TYPES,
  type SummaryFormat,
  type SummaryReport,
  type SummaryType,
} from '#shared/contract/summaries.schemas'
import type { Client } from '../../api/client'
import { errorMessage, issuesOf } from '../../api/client'
import { useClient } from '../../app-context'
import { CopyButton } from '../../components/copy-button'
import { useContractQuery } from '../../hooks/use-contract-query'
import { SummaryDetail } from './summary-detail'
import { SummarySchedule } from './summary-schedule'
import './summary-reports.css'

const sizeOf = (bytes: number | null): string =>
  bytes === null
    ? ''
    : bytes < 1024
      ? `${bytes} B`
      : bytes < 1024 * 1024
        ? `${(bytes / 1024).toFixed(1)} KB`
        : `${(bytes / 1024 / 1024).toFixed(1)} MB`

const rangeOf = (r: SummaryReport): string => {
  const last = new Date(new Date(r.rangeEnd).getTime() - 1).toISOString()
  return r.rangeStart.slice(0, 10) === last.slice(0, 10)
    ? r.rangeStart.slice(0, 10)
    : `${r.rangeStart.slice(0, 10)} – ${last.slice(0, 10)}`
}

/** Reads the file a bounded chunk at a time (summaries.readFile) and saves it through the browser. */
const download = async (client: Client, r: SummaryReport): Promise<void> => {
  const parts: Uint8Array<ArrayBuffer>[] = []
  let last: { name: string; contentType: string } | undefined
  for (let offset = 0; ;) {
    const chunk = await client.call('summaries.readFile', {
      id: r.id,
      offset,
      length: SUMMARY_CHUNK_MAX,
    })
    const bytes = Uint8Array.from(atob(chunk.data), (c) => c.charCodeAt(0))
    parts.push(bytes)
    last = chunk
    offset += bytes.length
    if (chunk.eof || bytes.length === 0) break
  }
  const url = URL.createObjectURL(new Blob(parts, { type: last?.contentType ?? '' }))
  const a = document.createElement('a')
  a.href = url
  a.download = last?.name ?? 'summary'
  a.click()
  URL.revokeObjectURL(url)
}

const GenerateForm = (props: { onGenerated: (id: string) => void }) => {
  const client = useClient()
  const [type, setType] = useState<SummaryType>('daily')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [format, setFormat] = useState<SummaryFormat | ''>('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const generate = async () => {
    if (type === 'custom' && (from === '' || to === '')) {
      setError(`${from === '' ? 'from' : 'to'}: a custom summary needs both from and to`)
      return
    }
    setBusy(true)
    try {
      const input: In<'summaries.generate'> = {
        type,
        ...(from === '' ? {} : { from }),
        ...(type === 'custom' && to !== '' ? { to } : {}),
        ...(format === '' ? {} : { format }),
      }
      const { report } = await client.call('summaries.generate', input)
      setError(null)
      props.onGenerated(report.id)
    } catch (e) {
      const [field, message] = Object.entries(issuesOf(e))[0] ?? [null, errorMessage(e)]
      setError(field === null ? message : `${field}: ${message}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="summary-generate" aria-label="Generate a summary">
      <h3>Generate now</h3>
      <div className="summary-generate-row">
        <select
          aria-label="Summary type"
          value={type}
          data-testid="summary-type"
          onChange={(e) => setType(SUMMARY_TYPES.find((t) => t === e.target.value) ?? 'daily')}
        >
          {SUMMARY_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <label>
          {type === 'custom' ? 'From' : 'Starting'}
          <input
            type="date"
            value={from}
            data-testid="summary-from"
            onChange={(e) => setFrom(e.target.value)}
          />
        </label>
        {type === 'custom' ? (
          <label>
            To (excluded)
            <input
              type="date"
              value={to}
              data-testid="summary-to"
              onChange={(e) => setTo(e.target.value)}
            />
          </label>
        ) : null}
        <select
          aria-label="Format"
          value={format}
          onChange={(e) => setFormat(SUMMARY_FORMATS.find((f) => f === e.target.value) ?? '')}
        >
          <option value="">schedule’s format</option>
          {SUMMARY_FORMATS.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          data-testid="summary-generate"
          onClick={() => void generate()}
        >
          Generate
        </button>
      </div>
      <p className="muted">
        {type === 'custom'
          ? 'UTC days; the range ends at the start of the "to" day.'
          : from === ''
            ? `The last whole ${type === 'daily' ? 'UTC day' : '7 UTC days'}.`
            : `${type === 'daily' ? 'That UTC day' : 'Seven UTC days from that day'}.`}
      </p>
      {error ? (
        <p className="form-error" role="alert" data-testid="summary-generate-error">
          {error}
        </p>
      ) : null}
    </section>
  )
}

const SelectedSummary = (props: { id: string }) => {
  const q = useContractQuery('summaries.get', { id: props.id }, props.id, [
    // Not once it is deleted: there is nothing left to load.
    { event: 'summaries.onDidChange', when: (p) => p.id === props.id && p.status !== null },
  ])
  if (q.error) return <p className="form-error">{q.error}</p>
  return q.data ? <SummaryDetail report={q.data} /> : null
}

/**
 * Summary reports (daily, weekly, custom range): generate one now, the schedule, the generated reports
 * with their file, and the selected report's statistics with charts. Self-contained: a view shows it.
 */
export const SummaryReports = () => {
  const client = useClient()
  const [selected, setSelected] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const list = useContractQuery('summaries.list', { limit: 100 }, 'all', [
    { event: 'summaries.onDidChange' },
  ])
  const items = list.data?.items ?? []

  const remove = async (r: SummaryReport) => {
    try {
      await client.call('summaries.delete', { id: r.id })
      if (selected === r.id) setSelected(null)
      list.reload()
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  return (
    <div className="summary-reports" data-testid="summary-reports">
      <div className="summary-controls">
        <GenerateForm onGenerated={setSelected} />
        <SummarySchedule />
      </div>
      {error || list.error ? (
        <p className="form-error" role="alert">
          {error ?? list.error}
        </p>
      ) : null}
      <table className="summary-table summary-list" data-testid="summary-list">
        <thead>
          <tr>
            <th>Type</th>
            <th>Range (UTC)</th>
            <th>Status</th>
            <th>Size</th>
            <th>File</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr
              key={r.id}
              data-id={r.id}
              data-status={r.status}
              aria-selected={r.id === selected}
              className={r.id === selected ? 'selected' : undefined}
              onClick={() => setSelected(r.id)}
            >
              <td>
                {r.type}
                {r.trigger === 'scheduled' ? <span className="muted"> (scheduled)</span> : null}
              </td>
              <td>{rangeOf(r)}</td>
              <td className={`summary-status summary-status-${r.status}`} title={r.error ?? ''}>
                {r.status}
              </td>
              <td>{sizeOf(r.fileSize)}</td>
              <td className="mono summary-path" title={r.filePath ?? ''}>
                {r.filePath ?? ''}
                {r.filePath ? <CopyButton value={r.filePath} label="Copy the file's path" /> : null}
              </td>
              <td className="summary-actions">
                <button
                  type="button"
                  className="button button-small"
                  disabled={r.status !== 'done'}
                  data-testid="summary-download"
                  onClick={(e) => {
                    e.stopPropagation()
                    download(client, r).catch((err: unknown) => setError(errorMessage(err)))
                  }}
                >
                  Download
                </button>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  disabled={r.status === 'queued' || r.status === 'running'}
                  data-testid="summary-delete"
                  onClick={(e) => {
                    e.stopPropagation()
                    void remove(r)
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data !== null && items.length === 0 ? (
        <p className="muted" data-testid="summary-empty">
          No summary reports yet.
        </p>
      ) : null}
      {selected !== null ? <SelectedSummary key={selected} id={selected} /> : null}
    </div>
  )
}
