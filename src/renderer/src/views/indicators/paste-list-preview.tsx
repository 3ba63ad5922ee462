import { defang, readList, type IocType } from '#shared/domain'
import { TYPE_LABELS, formatCount } from './format'

/** Rows listed in each preview list; the counts above them are always complete. */
export const PREVIEW_ROWS = 500

type Accepted = { line: number; type: IocType; value: string }
type Reject = { line: number; value: string; reason: string }
export type Preview = {
  accepted: Accepted[]
  duplicates: number
  rejects: Reject[]
}

export const EMPTY_PREVIEW: Preview = { accepted: [], duplicates: 0, rejects: [] }

/** A list read line by line in the page: each line is one indicator or a reject with its reason. */
export const preview = (text: string): Preview => {
  const accepted: Accepted[] = []
  const rejects: Reject[] = []
  const seen = new Set<string>()
  let duplicates = 0
  for (const hit of readList(text)) {
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
  return { accepted, duplicates, rejects }
}

/** The list read line by line: what was recognised and the lines rejected, with why. */
export const ListPreview = (props: { result: Preview }) => {
  const { result } = props
  return (
    <>
      <section className="preview-section">
        <h3>
          <span data-testid="accepted-count">{formatCount(result.accepted.length)}</span> indicator
          {result.accepted.length === 1 ? '' : 's'} recognised
          {result.duplicates > 0 ? (
            <span className="muted"> ({formatCount(result.duplicates)} duplicates dropped)</span>
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
          <p className="muted">… and {formatCount(result.accepted.length - PREVIEW_ROWS)} more</p>
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
    </>
  )
}
