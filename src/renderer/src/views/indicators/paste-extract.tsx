import { useEffect, useState } from 'react'
import { errorMessage, type Client } from '../../api/client'
import { TYPE_LABELS, formatCount } from './format'
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
}

/**
 * Sends the text to `indicators.extract` once typing pauses. A new result keeps what the analyst already
 * did to an item still found (unticked, retyped); answers to older text are dropped.
 */
export const useExtraction = (
  client: Client,
  text: string,
  enabled: boolean,
): [Extraction, (rows: ExtractRow[]) => void] => {
  // The last answer and the text it answers: the view is 'loading' while that text is not the current one.
  const [answer, setAnswer] = useState<{
    forText: string
    rows: ExtractRow[]
    truncated: boolean
    error: string | null
  }>({ forText: '', rows: [], truncated: false, error: null })
  const wanted = enabled && text.trim().length > 0
  useEffect(() => {
    if (!wanted) return
    let current = true
    const timer = setTimeout(() => {
      client.call('indicators.extract', { text }).then(
        (out) => {
          if (!current) return
          setAnswer((a) => ({
            forText: text,
            rows: mergeRows(a.rows, out.items),
            truncated: out.truncated,
            error: null,
          }))
        },
        (e: unknown) => {
          if (current) setAnswer((a) => ({ ...a, forText: text, error: errorMessage(e) }))
        },
      )
    }, EXTRACT_DEBOUNCE_MS)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [client, text, wanted])
  const extraction: Extraction = !wanted
    ? { state: 'idle', rows: [], truncated: false, error: null }
    : {
        state: answer.forText !== text ? 'loading' : answer.error ? 'failed' : 'ready',
        rows: answer.rows,
        truncated: answer.truncated,
        error: answer.error,
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
