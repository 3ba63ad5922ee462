import { useDeferredValue, useMemo, useState } from 'react'
import type { CsvMapping, CsvPreview } from '#shared/contract/feeds.contract'
import type { BulkReport } from '#shared/contract/indicators.contract'
import { defang, extractIndicators, pickMode, type ExtractMode } from '#shared/domain'
import {
  CLASSIFICATIONS,
  SEVERITIES,
  TLP_LEVELS,
  type Classification,
  type IocType,
  type Severity,
  type Tlp,
} from '#shared/domain/enums'
import { errorMessage } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { Modal } from '../../components/modal'
import { TYPE_LABELS, capitalise, formatCount, splitList } from './format'
import { EnumSelect, upperCase } from '../../components/enum-select'
import { CsvMappingStep, mappingReady } from '../feeds/csv-mapping-step'
import { detectPastedCsv, importPastedCsv, looksTabular } from './paste-csv'

/** A paste bigger than this is a file: the desktop's import (not a textarea) is the tool for it. */
const MAX_PASTE_CHARS = 5_000_000
/** Rows listed in each preview list; the counts above them are always complete. */
const PREVIEW_ROWS = 500
/** Items per bulkCreate call: keeps each request (and each write transaction) a bounded size. */
const IMPORT_BATCH = 5_000

type Accepted = { line: number; type: IocType; value: string }
type Reject = { line: number; value: string; reason: string }
type Preview = {
  mode: 'list' | 'text'
  accepted: Accepted[]
  duplicates: number
  rejects: Reject[]
}

const preview = (text: string, requested: ExtractMode): Preview => {
  // Resolve 'auto' once here so the dialog can say which way it read the text.
  const mode = requested === 'auto' ? pickMode(text) : requested
  const accepted: Accepted[] = []
  const rejects: Reject[] = []
  const seen = new Set<string>()
  let duplicates = 0
  for (const hit of extractIndicators(text, { mode })) {
    const r = hit.result
    if (!r.ok) {
      rejects.push({ line: hit.line, value: r.value, reason: r.reason })
      continue
    }
    const key = `${r.type}\u0000${r.value}`
    if (seen.has(key)) {
      duplicates++
      continue
    }
    seen.add(key)
    accepted.push({ line: hit.line, type: r.type, value: r.value })
  }
  return { mode, accepted, duplicates, rejects }
}

const addReports = (a: BulkReport, b: BulkReport): BulkReport => ({
  total: a.total + b.total,
  created: a.created + b.created,
  updated: a.updated + b.updated,
  unchanged: a.unchanged + b.unchanged,
  rejected: a.rejected + b.rejected,
  rejects: [...a.rejects, ...b.rejects].slice(0, PREVIEW_ROWS),
  byType: Object.fromEntries(
    [...new Set([...Object.keys(a.byType), ...Object.keys(b.byType)])].map((k) => [
      k,
      (a.byType[k] ?? 0) + (b.byType[k] ?? 0),
    ]),
  ),
})

const Stat = (props: { label: string; value: number; testId: string }) => (
  <div className="report-stat">
    <strong data-testid={props.testId}>{formatCount(props.value)}</strong>
    <span>{props.label}</span>
  </div>
)

export const PasteImportDialog = (props: { onClose: () => void }) => {
  const client = useClient()
  const { ui, indicators } = useServices()
  const [text, setText] = useState('')
  const [mode, setMode] = useState<ExtractMode>('auto')
  const [severity, setSeverity] = useState<Severity>('medium')
  const [classification, setClassification] = useState<Classification>('unknown')
  const [tlp, setTlp] = useState<Tlp>('amber')
  const [tags, setTags] = useState('')
  const [busy, setBusy] = useState(false)
  const [progress, setProgress] = useState(0)
  const [report, setReport] = useState<BulkReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The CSV mapping step: the pasted table's preview and the columns picked so far.
  const [csv, setCsv] = useState<{ preview: CsvPreview; mapping: CsvMapping } | null>(null)

  // Parsing a big paste on every keystroke would stall typing: React renders the preview when idle.
  const deferredText = useDeferredValue(text)
  const result = useMemo(() => preview(deferredText, mode), [deferredText, mode])
  const tooBig = text.length > MAX_PASTE_CHARS

  const runImport = async () => {
    const items = result.accepted
    if (items.length === 0 || busy) return
    setBusy(true)
    setError(null)
    setProgress(0)
    let total: BulkReport | null = null
    try {
      for (let i = 0; i < items.length; i += IMPORT_BATCH) {
        const batch = items.slice(i, i + IMPORT_BATCH)
        const r = await client.call('indicators.bulkCreate', {
          items: batch.map((a) => ({ type: a.type, value: a.value })),
          defaults: { severity, classification, tlp, tags: splitList(tags) },
        })
        // The core numbers rejects by position in `items`; show the analyst's line numbers instead.
        const mapped = {
          ...r,
          rejects: r.rejects.map((x) => ({ ...x, line: batch[x.line - 1]?.line ?? x.line })),
        }
        total = total === null ? mapped : addReports(total, mapped)
        setProgress(Math.min(items.length, i + IMPORT_BATCH))
      }
      setReport(total)
      ui.getState().toast('success', `Imported ${formatCount(items.length)} indicators`)
      indicators.getState().reload()
    } catch (e) {
      if (total) setReport(total)
      setError(`Import stopped: ${errorMessage(e)}`)
    } finally {
      setBusy(false)
    }
  }

  const openMapping = async () => {
    setError(null)
    try {
      const found = await detectPastedCsv(client, text)
      if (typeof found === 'string') setError(found)
      else setCsv(found)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  const runCsvImport = async (mapping: CsvMapping) => {
    setBusy(true)
    setError(null)
    try {
      const { report: r, error: stopped } = await importPastedCsv(
        client,
        text,
        mapping,
        PREVIEW_ROWS,
      )
      setReport(r)
      if (stopped !== null) setError(`Import stopped: ${stopped}`)
      else ui.getState().toast('success', `Imported ${formatCount(r.created)} new indicators`)
      indicators.getState().reload()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const footer = report ? (
    <button
      type="button"
      className="button button-primary"
      onClick={props.onClose}
      data-testid="import-done"
    >
      Done
    </button>
  ) : csv ? (
    <>
      <button type="button" className="button" onClick={() => setCsv(null)}>
        Back
      </button>
      <button
        type="button"
        className="button button-primary"
        disabled={busy || !mappingReady(csv.mapping)}
        data-testid="paste-mapping-submit"
        onClick={() => void runCsvImport(csv.mapping)}
      >
        Import with this mapping
      </button>
    </>
  ) : (
    <>
      {looksTabular(text) && !tooBig ? (
        <button
          type="button"
          className="button"
          data-testid="paste-map-columns"
          onClick={() => void openMapping()}
        >
          Map CSV columns…
        </button>
      ) : null}
      <span className="muted" aria-live="polite">
        {busy
          ? `Importing… ${formatCount(progress)} / ${formatCount(result.accepted.length)}`
          : null}
      </span>
      <button type="button" className="button" onClick={props.onClose}>
        Cancel
      </button>
      <button
        type="button"
        className="button button-primary"
        disabled={busy || tooBig || result.accepted.length === 0}
        data-testid="import-submit"
        onClick={() => void runImport()}
      >
        Import {formatCount(result.accepted.length)}
      </button>
    </>
  )

  return (
    <Modal
      title="Paste import"
      onClose={props.onClose}
      size="large"
      testId="paste-dialog"
      footer={footer}
    >
      {report ? (
        <div data-testid="import-report">
          <div className="report">
            <Stat label="created" value={report.created} testId="report-created" />
            <Stat label="updated" value={report.updated} testId="report-updated" />
            <Stat label="unchanged" value={report.unchanged} testId="report-unchanged" />
            <Stat label="rejected by the core" value={report.rejected} testId="report-rejected" />
          </div>
          <p className="muted">
            {formatCount(result.rejects.length)} line{result.rejects.length === 1 ? '' : 's'} could
            not be parsed and were not sent.
          </p>
          {report.rejects.length > 0 ? (
            <ul className="preview-list preview-rejects">
              {report.rejects.map((r) => (
                <li key={`${r.line}-${r.value}`}>
                  <span className="reject-line">line {r.line}</span>
                  <span className="mono">{r.value}</span>
                  <span className="reject-reason">{r.reason}</span>
                </li>
              ))}
            </ul>
          ) : null}
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : csv ? (
        <>
          <CsvMappingStep
            preview={csv.preview}
            mapping={csv.mapping}
            onChange={(mapping) => setCsv({ ...csv, mapping })}
          />
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
        </>
      ) : (
        <div className="paste-layout">
          <div className="paste-input">
            <label htmlFor="paste-text" className="field-label">
              Paste indicators: a list (one per line, comments and defanged values are fine) or any
              text such as a report
            </label>
            <textarea
              id="paste-text"
              value={text}
              spellCheck={false}
              wrap="off"
              data-autofocus
              data-testid="paste-text"
              aria-invalid={tooBig}
              onChange={(e) => setText(e.target.value)}
              placeholder={
                'hxxp://evil[.]example/payload\n203.0.113.7  # C2\nd41d8cd98f00b204e9800998ecf8427e'
              }
            />
            {tooBig ? (
              <p className="form-error" role="alert">
                The text is longer than {formatCount(MAX_PASTE_CHARS)} characters; import it as a
                file instead.
              </p>
            ) : null}
            {error ? (
              <p className="form-error" role="alert" data-testid="paste-error">
                {error}
              </p>
            ) : null}
            <div className="paste-options">
              <fieldset className="segmented" aria-label="How to read the text">
                {(['auto', 'list', 'text'] as const).map((m) => (
                  <label key={m}>
                    <input
                      type="radio"
                      name="paste-mode"
                      value={m}
                      checked={mode === m}
                      onChange={() => setMode(m)}
                      data-testid={`paste-mode-${m}`}
                    />
                    {m === 'auto'
                      ? `Auto (${result.mode === 'list' ? 'list' : 'text'})`
                      : m === 'list'
                        ? 'One per line'
                        : 'Free text'}
                  </label>
                ))}
              </fieldset>
              <label className="filter">
                <span>Severity</span>
                <EnumSelect
                  options={SEVERITIES}
                  value={severity}
                  label={capitalise}
                  onChange={setSeverity}
                />
              </label>
              <label className="filter">
                <span>Classification</span>
                <EnumSelect
                  options={CLASSIFICATIONS}
                  value={classification}
                  label={capitalise}
                  onChange={setClassification}
                />
              </label>
              <label className="filter">
                <span>TLP</span>
                <EnumSelect options={TLP_LEVELS} value={tlp} label={upperCase} onChange={setTlp} />
              </label>
              <label className="filter">
                <span>Tags</span>
                <input
                  type="text"
                  value={tags}
                  placeholder="campaign, source"
                  onChange={(e) => setTags(e.target.value)}
                />
              </label>
            </div>
          </div>
          <div className="paste-preview" data-testid="paste-preview" data-mode={result.mode}>
            <section className="preview-section">
              <h3>
                <span data-testid="accepted-count">{formatCount(result.accepted.length)}</span>{' '}
                indicator
                {result.accepted.length === 1 ? '' : 's'} recognised
                {result.duplicates > 0 ? (
                  <span className="muted">
                    {' '}
                    ({formatCount(result.duplicates)} duplicates dropped)
                  </span>
                ) : null}
              </h3>
              <ul className="preview-list" data-testid="accepted-list">
                {result.accepted.slice(0, PREVIEW_ROWS).map((a) => (
                  <li key={`${a.type}:${a.value}`} data-testid="accepted-item">
                    <span className="type-chip">{TYPE_LABELS[a.type]}</span>
                    <span className="mono" title={defang(a.type, a.value)}>
                      {defang(a.type, a.value)}
                    </span>
                  </li>
                ))}
              </ul>
              {result.accepted.length > PREVIEW_ROWS ? (
                <p className="muted">
                  … and {formatCount(result.accepted.length - PREVIEW_ROWS)} more
                </p>
              ) : null}
            </section>
            <section className="preview-section">
              <h3>
                <span data-testid="reject-count">{formatCount(result.rejects.length)}</span> line
                {result.rejects.length === 1 ? '' : 's'} rejected
              </h3>
              {result.rejects.length > 0 ? (
                <ul className="preview-list preview-rejects" data-testid="reject-list">
                  {result.rejects.slice(0, PREVIEW_ROWS).map((r) => (
                    <li key={r.line} data-testid="reject-item" data-line={r.line}>
                      <span className="reject-line">line {r.line}</span>
                      <span className="mono">{r.value}</span>
                      <span className="reject-reason">{r.reason}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </section>
          </div>
        </div>
      )}
    </Modal>
  )
}
