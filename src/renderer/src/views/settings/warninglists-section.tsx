import { useEffect, useState } from 'react'
import type { Out } from '#shared/contract'
import {
  MAX_IMPORT_FILE_CHARS,
  MAX_IMPORT_FILES,
  type WarninglistDto,
  type WarninglistIssueDto,
} from '#shared/contract/warninglists.contract'
import { errorMessage } from '../../api/client'
import { runAsJob } from '../../api/follow'
import { useClient } from '../../app-context'
import { formatCount } from '../indicators/format'
import { AllowlistPanel } from './allowlist-panel'

type ImportResult = Out<'warninglists.import'>

/** Problems shown after an import (the answer lists more; the first ones say what is wrong). */
const SHOWN_ISSUES = 20

/** The browser reads the chosen files itself; a file over the contract's bound is refused here, named. */
const readFiles = async (
  list: FileList,
): Promise<{ files: { name: string; content: string }[]; errors: WarninglistIssueDto[] }> => {
  const files: { name: string; content: string }[] = []
  const errors: WarninglistIssueDto[] = []
  for (const f of [...list].slice(0, MAX_IMPORT_FILES)) {
    if (f.size > MAX_IMPORT_FILE_CHARS) {
      errors.push({ file: f.name, field: '(file)', message: `is ${f.size} bytes, too large` })
      continue
    }
    files.push({ name: f.name, content: await f.text() })
  }
  return { files, errors }
}

const ImportReport = (props: { result: ImportResult }) => {
  const problems = [...props.result.errors, ...props.result.issues]
  return (
    <div data-testid="warninglists-import-report">
      <p>
        {formatCount(props.result.imported.length)} list
        {props.result.imported.length === 1 ? '' : 's'} imported
        {props.result.errors.length > 0
          ? `, ${formatCount(props.result.errors.length)} file problem(s)`
          : ''}
        . Run a rescan to apply new lists to the indicators already stored.
      </p>
      {problems.length > 0 ? (
        <ul className="warninglists-problems" data-testid="warninglists-import-errors">
          {problems.slice(0, SHOWN_ISSUES).map((e, i) => (
            <li key={i} data-testid="warninglists-import-error">
              <code>{e.file}</code> <code>{e.field}</code> {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/**
 * Warninglists: the known-benign lists applied at ingest and on demand, with a toggle each, their entry
 * counts, an import (the desktop's folder dialog; in a browser, JSON files read by the page), a rescan of
 * the stored indicators, and the analysts' false-positive allowlist.
 */
export const WarninglistsSection = (props: { transport: 'ipc' | 'http' }) => {
  const client = useClient()
  const [lists, setLists] = useState<WarninglistDto[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<ImportResult | null>(null)
  const [rescan, setRescan] = useState<string | null>(null)
  // Bumped after every change: the list is read again.
  const [version, setVersion] = useState(0)

  useEffect(() => {
    let live = true
    client.call('warninglists.list', {}).then(
      (r) => {
        if (live) setLists(r.items)
      },
      (e: unknown) => {
        if (live) setError(errorMessage(e))
      },
    )
    return () => {
      live = false
    }
  }, [client, version])

  const act = async (work: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    try {
      await work()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
      setVersion((v) => v + 1)
    }
  }

  const toggle = (l: WarninglistDto) =>
    act(async () => {
      await client.call('warninglists.setEnabled', { id: l.id, enabled: !l.enabled })
    })
  const remove = (l: WarninglistDto) =>
    act(async () => {
      await client.call('warninglists.remove', { id: l.id })
    })
  const importPicked = () =>
    act(async () => {
      const r = await client.call('warninglists.importPicked', {})
      if (r.picked) setResult(r)
    })
  const importFiles = (list: FileList) =>
    act(async () => {
      const read = await readFiles(list)
      const r =
        read.files.length === 0
          ? { imported: [], errors: [], issues: [] }
          : await client.call('warninglists.import', { files: read.files })
      setResult({ ...r, errors: [...read.errors, ...r.errors] })
    })
  const runRescan = () =>
    act(async () => {
      setRescan('Rescanning…')
      try {
        // A background job: a million indicators take a while, and the status says how far it got.
        const r = await runAsJob(client, 'warninglists.rescan', {}, (job) => {
          const { done, total } = job.progress
          setRescan(
            `Rescanning… ${formatCount(done)}${total === null ? '' : ` of ${formatCount(total)}`}`,
          )
        })
        setRescan(
          `${formatCount(r.scanned)} indicators scanned, ${formatCount(r.withHits)} hit a list, ${formatCount(r.changed)} changed`,
        )
      } catch (e) {
        setRescan(null)
        throw e
      }
    })

  return (
    <section
      className="settings-section"
      aria-labelledby="settings-warninglists"
      data-testid="settings-warninglists"
      data-state={lists === null ? 'loading' : busy ? 'busy' : 'ready'}
    >
      <h2 id="settings-warninglists">Warninglists</h2>
      <p className="muted">
        Known-benign lists (MISP warninglist format) checked for every indicator an import writes. A
        hit shows on the indicator and lowers its score. Turning a list off drops its hits at once;
        new or re-enabled lists apply to stored indicators after a rescan.
      </p>
      {lists === null ? null : (
        <table className="warninglists-table" data-testid="warninglists-table">
          <thead>
            <tr>
              <th>On</th>
              <th>Name</th>
              <th>Type</th>
              <th>Entries</th>
              <th>Source</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {lists.map((l) => (
              <tr key={l.id} data-testid="warninglist-row" data-id={l.id}>
                <td>
                  <input
                    type="checkbox"
                    checked={l.enabled}
                    disabled={busy}
                    aria-label={`${l.enabled ? 'Disable' : 'Enable'} ${l.name}`}
                    data-testid="warninglist-toggle"
                    onChange={() => void toggle(l)}
                  />
                </td>
                <td title={l.description} data-testid="warninglist-name">
                  {l.name}
                </td>
                <td>{l.type}</td>
                <td data-testid="warninglist-entries">{formatCount(l.entryCount)}</td>
                <td>{l.source === 'builtin' ? 'built-in' : 'imported'}</td>
                <td>
                  {l.source === 'imported' ? (
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      disabled={busy}
                      aria-label={`Remove ${l.name}`}
                      data-testid="warninglist-remove"
                      onClick={() => void remove(l)}
                    >
                      Remove
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="warninglists-actions">
        {props.transport === 'ipc' ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            data-testid="warninglists-import-folder"
            onClick={() => void importPicked()}
          >
            Import a folder…
          </button>
        ) : (
          <label className="button" data-testid="warninglists-import-label">
            Import JSON files…
            <input
              type="file"
              multiple
              accept=".json,application/json"
              className="visually-hidden"
              disabled={busy}
              data-testid="warninglists-import-files"
              onChange={(e) => {
                const files = e.target.files
                if (files && files.length > 0) void importFiles(files)
                e.target.value = ''
              }}
            />
          </label>
        )}
        <button
          type="button"
          className="button"
          disabled={busy}
          data-testid="warninglists-rescan"
          onClick={() => void runRescan()}
        >
          Rescan indicators
        </button>
        {rescan ? (
          <span className="muted" data-testid="warninglists-rescan-status">
            {rescan}
          </span>
        ) : null}
      </div>
      {result ? <ImportReport result={result} /> : null}
      {error ? (
        <p className="form-error" role="alert" data-testid="warninglists-error">
          {error}
        </p>
      ) : null}
      <AllowlistPanel />
    </section>
  )
}
