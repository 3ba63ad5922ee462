import type { ProjectStats } from '#shared/contract/projects.contract'
import { sortedCounts } from './projects-model'

const CountList = (props: { title: string; counts: Record<string, number>; testId: string }) => (
  <div className="project-counts" data-testid={props.testId}>
    <h3>{props.title}</h3>
    <dl>
      {sortedCounts(props.counts).map(([k, n]) => (
        <div key={k} data-key={k} data-count={n}>
          <dt>{k}</dt>
          <dd>{n}</dd>
        </div>
      ))}
    </dl>
  </div>
)

export const StatsPanel = (props: { stats: ProjectStats | null }) => {
  const s = props.stats
  if (!s) return <div className="project-stats" data-testid="project-stats" data-state="loading" />
  return (
    <div
      className="project-stats"
      data-testid="project-stats"
      data-state="ready"
      data-total={s.totalIndicators}
    >
      <h2>Indicators</h2>
      <dl className="project-figures">
        <div>
          <dt>Total</dt>
          <dd data-testid="project-total">{s.totalIndicators}</dd>
        </div>
        <div>
          <dt>Active</dt>
          <dd>{s.activeCount}</dd>
        </div>
        <div>
          <dt>False positives</dt>
          <dd>{s.falsePositiveCount}</dd>
        </div>
        <div>
          <dt>Changed in 7 days</dt>
          <dd>{s.recentActivityCount}</dd>
        </div>
        <div>
          <dt>Mean score (active)</dt>
          <dd>{s.riskScore ?? '–'}</dd>
        </div>
        <div>
          <dt>Last activity</dt>
          <dd data-testid="project-last-activity">
            {s.lastActivity ? new Date(s.lastActivity).toLocaleString() : 'none'}
          </dd>
        </div>
      </dl>
      <div className="project-count-lists">
        <CountList title="By type" counts={s.byType} testId="project-by-type" />
        <CountList title="By severity" counts={s.bySeverity} testId="project-by-severity" />
      </div>
    </div>
  )
}
