import type { UrlVerdict } from '#shared/contract/analysis.contract'
import { defang } from '#shared/domain'
import './url-verdict.css'

const SOURCE_LABELS: Record<UrlVerdict['sources'][number]['source'], string> = {
  database: 'Local database',
  link_score: 'Link score',
  model: 'Model',
}

/** `brandLookalike` -> `brand lookalike`: the engine's feature names, readable. */
export const featureLabel = (name: string): string =>
  name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()

const formatValue = (v: number): string =>
  Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 10 ? 1 : 3)

/** One bar per contribution, scaled to the largest: right and red towards phishing, left and green away. */
export const FeatureContributions = (props: {
  items: Pick<UrlVerdict['topContributions'][number], 'name' | 'value' | 'contribution'>[]
}) => {
  const max = Math.max(1e-9, ...props.items.map((c) => Math.abs(c.contribution)))
  return (
    <table className="verdict-contributions" data-testid="verdict-contributions">
      <thead>
        <tr>
          <th scope="col">Feature</th>
          <th scope="col">Value</th>
          <th scope="col">Contribution</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((c) => {
          const width = `${Math.round((Math.abs(c.contribution) / max) * 50)}%`
          const towards = c.contribution >= 0
          return (
            <tr key={c.name} data-testid="verdict-contribution">
              <td>{featureLabel(c.name)}</td>
              <td className="mono">{formatValue(c.value)}</td>
              <td>
                <span
                  className="contribution-bar"
                  title={`${towards ? '+' : ''}${c.contribution.toFixed(3)} log-odds`}
                >
                  <span
                    className={towards ? 'contribution-up' : 'contribution-down'}
                    style={{ width }}
                  />
                </span>
                <span className="mono contribution-num">
                  {towards ? '+' : ''}
                  {c.contribution.toFixed(2)}
                </span>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/**
 * A URL analysis verdict with its reasons: what triggered and how much, the model's largest feature
 * contributions, the heuristic signs, local matches and known-benign lists, and the incident it opened.
 * Reusable wherever a verdict is shown (the analyse box, an incident's detail, the triage view).
 */
export const UrlVerdictView = (props: {
  verdict: UrlVerdict
  onOpenIncident?: (id: string) => void
}) => {
  const v = props.verdict
  const record = v.trackingRecord
  return (
    <section className="url-verdict" data-testid="url-verdict" data-verdict={v.verdict}>
      <header className="verdict-head">
        <span className={`verdict-label verdict-${v.verdict}`} data-testid="verdict-label">
          {v.verdict}
        </span>
        <span className="verdict-severity" data-testid="verdict-severity">
          severity <strong>{v.severity}</strong>
        </span>
        <span className="mono verdict-url" title={v.url}>
          {defang('url', v.url)}
        </span>
      </header>
      <div className="verdict-sources" data-testid="verdict-sources">
        {v.sources.length === 0 ? (
          <span className="muted">Nothing triggered.</span>
        ) : (
          v.sources.map((s) => (
            <span key={s.source} className="verdict-source" data-source={s.source}>
              {SOURCE_LABELS[s.source]} <strong>{s.severity}</strong>
            </span>
          ))
        )}
        {v.suppressedBy ? (
          <span className="verdict-suppressed" data-testid="verdict-suppressed">
            Heuristics set aside: {v.suppressedBy.replace(/^warninglist:/, 'known-benign list ')}
          </span>
        ) : null}
      </div>
      <p className="verdict-model">
        {v.model.name} {v.model.version}: <strong>{v.model.label}</strong>, p ={' '}
        {v.model.probability.toFixed(3)}
      </p>
      <FeatureContributions items={v.topContributions} />
      <p className="verdict-link-score">
        Link score <strong>{v.linkScore.score}</strong>
        {v.linkScore.reasons.length > 0
          ? `: ${v.linkScore.reasons.map((r) => `${featureLabel(r.feature)} +${r.points}`).join(', ')}`
          : ': no warning signs'}
      </p>
      {v.facts.brand ? (
        <p className="verdict-fact">
          Imitates <strong>{v.facts.brand.brand}</strong> ({v.facts.brand.kind}, label{' '}
          <span className="mono">{v.facts.brand.label}</span>)
        </p>
      ) : null}
      {v.matches.length > 0 ? (
        <ul className="verdict-list" data-testid="verdict-matches">
          {v.matches.map((m) => (
            <li key={m.indicatorId}>
              Known {m.on}: <span className="mono">{defang(m.type, m.value)}</span>{' '}
              <span className={`cls cls-${m.classification}`}>{m.classification}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {v.warninglists.length > 0 ? (
        <ul className="verdict-list" data-testid="verdict-warninglists">
          {v.warninglists.map((w) => (
            <li key={w.list}>
              On {w.list} <span className="muted mono">({w.entry})</span>
            </li>
          ))}
        </ul>
      ) : null}
      <footer className="verdict-incident" data-testid="verdict-incident">
        {record === null ? (
          <span className="muted">No incident opened.</span>
        ) : (
          <>
            {record.occurrences === 1
              ? 'Opened incident'
              : `Occurrence ${record.occurrences} of incident`}{' '}
            {props.onOpenIncident ? (
              <button
                type="button"
                className="link-button mono"
                onClick={() => props.onOpenIncident?.(record.id)}
              >
                {record.id.slice(0, 8)}
              </button>
            ) : (
              <span className="mono" data-testid="verdict-incident-id">
                {record.id.slice(0, 8)}
              </span>
            )}{' '}
            <span className="tag">{record.status}</span> severity {record.severity}
          </>
        )}
      </footer>
    </section>
  )
}
