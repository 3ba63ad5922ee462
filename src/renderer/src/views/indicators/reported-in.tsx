import { useContractQuery } from '../../hooks/use-contract-query'
import { SeverityBadge } from '../../components/badges'
import '../../components/observations-list.css'

/** Names come from feeds: cut them so one hostile record cannot flood the panel. */
const clip = (s: string | null, max = 300): string =>
  s === null || s === '' ? '—' : s.length > max ? `${s.slice(0, max)}…` : s

/** STIX types as an analyst reads them. */
const TYPE_LABELS: Readonly<Record<string, string>> = {
  'threat-actor': 'Threat actor',
  'intrusion-set': 'Intrusion set',
  malware: 'Malware',
  campaign: 'Campaign',
  'attack-pattern': 'Attack pattern',
  report: 'Report',
  tool: 'Tool',
  infrastructure: 'Infrastructure',
  vulnerability: 'Vulnerability',
}

/**
 * "Reported in": the MISP events (title, threat level, org, galaxy clusters) and the STIX objects (threat
 * actors, intrusion sets, malware, campaigns, attack patterns, reports) around an indicator, until those
 * get views of their own. Hidden when there is nothing to show. All text is rendered as text.
 */
export const ReportedInSection = (props: { indicatorId: string }) => {
  const { indicatorId } = props
  const { data, error } = useContractQuery(
    'indicators.reportedIn',
    { id: indicatorId },
    indicatorId,
    [{ event: 'feeds.onDidFinishRun' }],
  )

  if (error !== null) {
    return (
      <p className="detail-error" role="alert">
        {error}
      </p>
    )
  }
  if (data === null || (data.events.length === 0 && data.linked.length === 0)) return null
  return (
    <section
      className="observations"
      aria-labelledby={`reported-${indicatorId}`}
      data-testid="reported-in"
    >
      <h3 id={`reported-${indicatorId}`} className="observations-title">
        Reported in
      </h3>
      <ul className="observation-list">
        {data.events.map((e) => (
          <li key={e.id} className="observation" data-testid="reported-event">
            <div className="observation-head">
              <span className="type-chip">MISP event</span>
              <strong className="observation-source">{clip(e.title, 1024)}</strong>
              {e.threatLevel ? <SeverityBadge value={e.threatLevel} /> : null}
            </div>
            <dl className="observation-grid">
              <div className="observation-field">
                <dt>Organisation</dt>
                <dd>{clip(e.org)}</dd>
              </div>
              <div className="observation-field">
                <dt>Date</dt>
                <dd>{clip(e.date, 40)}</dd>
              </div>
              {e.galaxies.length > 0 ? (
                <div className="observation-field observation-wide">
                  <dt>Galaxy clusters</dt>
                  <dd data-testid="reported-galaxies">
                    {e.galaxies
                      .map((g) =>
                        g.galaxy ? `${clip(g.name)} (${clip(g.galaxy, 64)})` : clip(g.name),
                      )
                      .join(', ')}
                  </dd>
                </div>
              ) : null}
            </dl>
          </li>
        ))}
        {data.linked.map((l) => (
          <li
            key={`${l.id} ${l.relationship}`}
            className="observation"
            data-testid="reported-linked"
          >
            <div className="observation-head">
              <span className="type-chip">{TYPE_LABELS[l.type] ?? clip(l.type, 64)}</span>
              <strong className="observation-source">{clip(l.name)}</strong>
              <span className="muted">
                {l.relationship === 'report' ? 'lists it' : clip(l.relationship, 64)}
              </span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}
