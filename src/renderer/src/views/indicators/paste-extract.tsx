import { useEffect, useState } from 'react'
import type { ExtractedItemDto } from '#shared/contract/indicators.contract'
import { parseIndicator, type ExtractKind, type IocType } from '#shared/domain'
import { errorMessage, type Client } from '../../api/client'
import { TYPE_LABELS, formatCount } from './format'

/** Typing pauses this long before the text goes to the core's extraction engine. */
const EXTRACT_DEBOUNCE_MS = 250

/** Kinds the engine finds that have no indicator type yet: listed so the analyst sees them, never imported. */
const UNTYPED_LABELS: Partial<Record<ExtractKind, [label: string, plural: string]>> = {
  'attack-tactic': ['ATT&CK tactic', 'ATT&CK tactics'],
  'bitcoin-address': ['Bitcoin', 'Bitcoin addresses'],
  'ethereum-address': ['Ethereum', 'Ethereum addresses'],
  'file-name': ['File name', 'file names'],
}

type Check = { ok: true; type: IocType; value: string } | { ok: false; reason: string }

/** One found item as the analyst reviews it: ticked or not, and possibly retyped. */
export type ExtractRow = {
  key: string
  kind: ExtractKind
  /** The canonical value the engine found. */
  found: string
  line: number
  column: number
  raw: string
  count: number
  /** The value as found (canonical) or as the analyst retyped it. */
  text: string
  ticked: boolean
  /** Null for kinds without an indicator type: those rows cannot be imported. */
  check: Check | null
}

export type Extraction = {
  state: 'idle' | 'loading' | 'ready' | 'failed'
  rows: ExtractRow[]
  truncated: boolean
  error: string | null
}

const TYPED_LABELS: Partial<Record<string, string>> = TYPE_LABELS

const kindLabel = (kind: ExtractKind): string =>
  UNTYPED_LABELS[kind]?.[0] ?? TYPED_LABELS[kind] ?? kind

const rowOf = (item: ExtractedItemDto): ExtractRow => ({
  key: `${item.kind}\u0000${item.value}`,
  kind: item.kind,
  found: item.value,
  line: item.line,
  column: item.column,
  raw: item.raw,
  count: item.count,
  text: item.value,
  ticked: item.iocType !== null,
  check: item.iocType === null ? null : { ok: true, type: item.iocType, value: item.value },
})

/** A retyped value is read again as any indicator: the analyst may have changed its type too. */
const recheck = (text: string): Check => {
  const r = parseIndicator(text)
  return r.ok ? { ok: true, type: r.type, value: r.value } : { ok: false, reason: r.reason }
}

export const retype = (row: ExtractRow, text: string): ExtractRow => ({
  ...row,
  text,
  check: row.check === null ? null : recheck(text),
})

/** The rows that go to indicators.bulkCreate. */
export const importable = (rows: readonly ExtractRow[]) =>
  rows.flatMap((r) =>
    r.ticked && r.check?.ok === true
      ? [{ type: r.check.type, value: r.check.value, line: r.line }]
      : [],
  )

/** Ticked rows whose retyped value is not an indicator: the import waits until they are fixed or unticked. */
export const invalidTicked = (rows: readonly ExtractRow[]): number =>
  rows.filter((r) => r.ticked && r.check?.ok === false).length

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
          setAnswer((a) => {
            const before = new Map(a.rows.map((r) => [r.key, r]))
            const rows = out.items.map((item) => {
              const fresh = rowOf(item)
              const old = before.get(fresh.key)
              return old
                ? { ...fresh, text: old.text, ticked: old.ticked, check: old.check }
                : fresh
            })
            return { forText: text, rows, truncated: out.truncated, error: null }
          })
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
  const reason = `ThreatEye has no indicator type for ${UNTYPED_LABELS[row.kind]?.[1] ?? row.kind} yet`
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
          <span className="muted"> ({formatCount(untyped)} with no indicator type yet)</span>
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
