import { useEffect, useState } from 'react'
import { errorMessage, type Client } from '../../api/client'
import { TYPE_LABELS, formatCount } from './format'
import type { PastedFile } from './paste-file'
import {
  importable,
  invalidTicked,
  kindLabel,
  mergeRows,
  retype,
  untypedReason,
  type ExtractRow,
} from './paste-extract-rows'

/** Typing pauses this long before the text goes to the core's extraction engine. */
const EXTRACT_DEBOUNCE_MS = 250

export type Extraction = {
  state: 'idle' | 'loading' | 'ready' | 'failed'
  rows: ExtractRow[]
  truncated: boolean
  error: string | null
  /** Set when part of a file was not read (a PDF's pages past the cap). */
  note: string | null
}

/** What to extract from: the pasted text, or a chosen or dropped file (read by the core by its kind). */
export type ExtractSource = { text: string } | { file: PastedFile }

const keyOf = (source: ExtractSource): string =>
  'text' in source ? `t:${source.text}` : `f:${source.file.id}`

/**
 * Sends the text or file to `indicators.extract` once typing pauses. A new result keeps what the analyst
 * already did to an item still found (unticked, retyped); answers to older input are dropped. `source`
 * must keep its identity while its content is the same (useMemo), or every render would extract again.
 */
export const useExtraction = (
  client: Client,
  source: ExtractSource,
  enabled: boolean,
): [Extraction, (rows: ExtractRow[]) => void] => {
  // The last answer and the input it answers: the view is 'loading' while that is not the current one.
  const [answer, setAnswer] = useState<{
    forKey: string
    rows: ExtractRow[]
    truncated: boolean
    error: string | null
    note: string | null
  }>({ forKey: '', rows: [], truncated: false, error: null, note: null })
  const key = keyOf(source)
  const wanted = enabled && ('file' in source || source.text.trim().length > 0)
  useEffect(() => {
    if (!wanted) return
    let current = true
    const input =
      'text' in source
        ? { text: source.text }
        : { file: { name: source.file.name, data: source.file.data } }
    const forKey = keyOf(source)
    const timer = setTimeout(
      () => {
        client.call('indicators.extract', input).then(
          (out) => {
            if (!current) return
            setAnswer((a) => ({
              forKey,
              rows: mergeRows(a.rows, out.items),
              truncated: out.truncated,
              error: null,
              note: out.note ?? null,
            }))
          },
          (e: unknown) => {
            if (current) setAnswer((a) => ({ ...a, forKey, error: errorMessage(e) }))
          },
        )
      },
      'text' in source ? EXTRACT_DEBOUNCE_MS : 0,
    )
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [client, source, wanted])
  const extraction: Extraction = !wanted
    ? { state: 'idle', rows: [], truncated: false, error: null, note: null }
    : {
        state: answer.forKey !== key ? 'loading' : answer.error ? 'failed' : 'ready',
        rows: answer.rows,
        truncated: answer.truncated,
        error: answer.error,
        note: answer.note,
      }
  return [extraction, (rows) => setAnswer((a) => ({ ...a, rows }))]
}

const ExtractItem = (props: { row: ExtractRow; onChange: (row: ExtractRow) => void }) => {
  const { row, onChange } = props
  const untyped = row.check === null
  const reason = untypedReason(row.kind)
  return (
    <li
      data-testid="extract-item"
      data-line={row.line}
      data-kind={row.kind}
      data-value={row.found}
      data-importable={!untyped && row.ticked && row.check?.ok === true}
    >
      <input
        type="checkbox"
        checked={row.ticked}
        disabled={untyped}
        title={untyped ? reason : 'Import this item'}
        aria-label={`Import ${row.text}`}
        data-testid="extract-tick"
        onChange={(e) => onChange({ ...row, ticked: e.target.checked })}
      />
      <span className="extract-line" title={`line ${row.line}, column ${row.column}`}>
        line {row.line}
      </span>
      <span className="type-chip">
        {row.check?.ok === true ? TYPE_LABELS[row.check.type] : kindLabel(row.kind)}
      </span>
      {untyped ? (
        <>
          <span className="mono" title={row.raw}>
            {row.text}
          </span>
          <span className="reject-reason" data-testid="extract-unsupported">
            Not importable: {reason}
          </span>
        </>
      ) : (
        <>
          <input
            type="text"
            className="mono extract-value"
            value={row.text}
            spellCheck={false}
            disabled={!row.ticked}
            aria-label={`Value found on line ${row.line}`}
            aria-invalid={row.check?.ok === false}
            title={`As written: ${row.raw}`}
            data-testid="extract-value"
            onChange={(e) => onChange(retype(row, e.target.value))}
          />
          {row.count > 1 ? <span className="muted">×{formatCount(row.count)}</span> : null}
          {row.check?.ok === false ? (
            <span className="reject-reason form-error" role="alert" data-testid="extract-error">
              {row.check.reason}
            </span>
          ) : row.check?.ok === true && row.text !== row.check.value ? (
            <span className="muted mono" data-testid="extract-canonical">
              stored as {row.check.value}
            </span>
          ) : null}
        </>
      )}
    </li>
  )
}

/** The items the engine found in free text, each with its line, to untick or retype before import. */
export const ExtractList = (props: {
  extraction: Extraction
  limit: number
  onChange: (rows: ExtractRow[]) => void
}) => {
  const { extraction, limit, onChange } = props
  const { rows } = extraction
  const ticked = importable(rows).length
  const untyped = rows.filter((r) => r.check === null).length
  const invalid = invalidTicked(rows)
  const update = (next: ExtractRow) => onChange(rows.map((r) => (r.key === next.key ? next : r)))
  return (
    <section className="preview-section" data-testid="extract-panel" data-state={extraction.state}>
      <h3>
        <span data-testid="extract-count">{formatCount(ticked)}</span> of {formatCount(rows.length)}{' '}
        found item{rows.length === 1 ? '' : 's'} ticked for import
        {untyped > 0 ? (
          <span className="muted"> ({formatCount(untyped)} with no indicator type)</span>
        ) : null}
        {extraction.state === 'loading' ? <span className="muted"> · reading…</span> : null}
      </h3>
      {extraction.error ? (
        <p className="form-error" role="alert" data-testid="extract-failed">
          Extraction failed: {extraction.error}
        </p>
      ) : null}
      {invalid > 0 ? (
        <p className="form-error" role="alert" data-testid="extract-invalid">
          {formatCount(invalid)} ticked item{invalid === 1 ? ' is' : 's are'} not an indicator: fix
          or untick {invalid === 1 ? 'it' : 'them'} to import.
        </p>
      ) : null}
      {extraction.note !== null ? (
        <p className="muted" data-testid="extract-note">
          {extraction.note}
        </p>
      ) : null}
      {extraction.truncated ? (
        <p className="muted">
          The text holds more items than one extraction returns; the rest was not read.
        </p>
      ) : null}
      <ul className="preview-list extract-list" data-testid="extract-list">
        {rows.slice(0, limit).map((r) => (
          <ExtractItem key={r.key} row={r} onChange={update} />
        ))}
      </ul>
      {rows.length > limit ? (
        <p className="muted">
          … and {formatCount(rows.length - limit)} more, imported as found unless they have no type
        </p>
      ) : null}
    </section>
  )
}
