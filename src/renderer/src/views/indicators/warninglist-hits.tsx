import { useContractQuery } from '../../hooks/use-contract-query'
import '../../components/observations-list.css'

/** List names and entries come from imported files: cut them so one list cannot flood the panel. */
const clip = (s: string, max = 300): string => (s.length > max ? `${s.slice(0, max)}…` : s)

/**
 * The known-benign lists that matched an indicator (warninglists.getHits: which list, and the network, host,
 * string or pattern that decided it), and whether the analysts' allowlist holds its value. Reloads when the
 * indicator changes (`version`) and after imports and rescans. Hidden when there is nothing to say.
 */
export const WarninglistHitsSection = (props: { indicatorId: string; version: string }) => {
  const { indicatorId, version } = props
  const { data, error } = useContractQuery(
    'warninglists.getHits',
    { id: indicatorId },
    `${indicatorId}@${version}`,
    [
      { event: 'feeds.onDidFinishRun' },
      {
        event: 'indicators.onDidChange',
        // A deleted indicator is the detail panel's to report; asking for its hits would only 404.
        when: (change) =>
          change.kind !== 'deleted' &&
          (change.kind === 'bulk' || !!change.ids?.includes(indicatorId)),
      },
    ],
  )

  if (error !== null) {
    return (
      <p className="detail-error" role="alert">
        {error}
      </p>
    )
  }
  if (data === null || (data.hits.length === 0 && !data.allowlisted)) return null
  return (
    <section
      className="observations"
      aria-labelledby={`warninglists-${indicatorId}`}
      data-testid="warninglist-hits"
    >
      <h3 id={`warninglists-${indicatorId}`} className="observations-title">
        Known-benign lists{' '}
        {data.allowlisted ? (
          <span
            className="flag flag-fp"
            title="An analyst marked this value a false positive: later imports store it as one"
            data-testid="allowlisted-badge"
          >
            allowlisted
          </span>
        ) : null}
      </h3>
      {data.hits.length > 0 ? (
        <ul className="observation-list">
          {data.hits.map((h) => (
            <li key={h.listId} className="observation" data-testid="warninglist-hit">
              <div className="observation-head">
                <span className="type-chip">warninglist</span>
                <strong className="observation-source" data-testid="warninglist-hit-list">
                  {clip(h.listName)}
                </strong>
                <span className="muted">
                  matched <code data-testid="warninglist-hit-entry">{clip(h.entry, 200)}</code>
                </span>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  )
}
