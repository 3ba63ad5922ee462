import type { SummaryReportDetail, SummaryStats } from '#shared/contract/summaries.schemas'
import { DayChart, HBarChart, barsOf } from './summary-charts'

const Figure = (props: { label: string; value: number; testId?: string }) => (
  <div>
    <dt>{props.label}</dt>
    <dd data-testid={props.testId}>{props.value.toLocaleString()}</dd>
  </div>
)

const Figures = ({ s }: { s: SummaryStats }) => (
  <dl className="summary-figures">
    <Figure label="New indicators" value={s.arrived.total} testId="summary-arrived" />
    <Figure label={`Scored ${s.high.threshold}+`} value={s.high.count} testId="summary-high" />
    <Figure label="Feed runs" value={s.runs.total} />
    <Figure label="Failed runs" value={s.runs.failed} />
    <Figure label="Alerts raised" value={s.triage.alertsRaised} />
    <Figure label="Alerts resolved" value={s.triage.alertsResolved} />
    <Figure label="Incidents opened" value={s.triage.incidentsOpened} />
    <Figure label="Incidents escalated" value={s.triage.incidentsEscalated} />
    <Figure label="Incidents resolved" value={s.triage.incidentsResolved} />
  </dl>
)

/**
 * The selected summary's statistics: the headline figures, charts by type, severity and day, the top
 * high-scoring arrivals and the feeds. Values are shown as text (React escapes them): feed data is hostile.
 */
export const SummaryDetail = (props: { report: SummaryReportDetail }) => {
  const r = props.report
  const s = r.stats
  if (s === null) {
    return (
      <section className="summary-detail" data-testid="summary-detail" data-state={r.status}>
        <h3>{r.title}</h3>
        <p className="muted">
          {r.status === 'failed'
            ? `Failed: ${r.error ?? ''}`
            : 'Statistics appear once it is done.'}
        </p>
      </section>
    )
  }
  return (
    <section className="summary-detail" data-testid="summary-detail" data-state={r.status}>
      <h3>{r.title}</h3>
      <Figures s={s} />
      <div className="summary-charts">
        <HBarChart title="By type" bars={barsOf(s.arrived.byType)} testId="summary-chart-type" />
        <HBarChart
          title="By severity"
          bars={barsOf(s.arrived.bySeverity)}
          testId="summary-chart-severity"
        />
        <DayChart
          title="Per day (darker: scored high)"
          days={s.timeline.map((d) => ({ day: d.day, value: d.indicators, high: d.high }))}
          testId="summary-chart-days"
        />
      </div>
      <h4>Scored high</h4>
      {s.high.top.length === 0 ? (
        <p className="muted">No new indicator scored {s.high.threshold} or more.</p>
      ) : (
        <table className="summary-table" data-testid="summary-top">
          <thead>
            <tr>
              <th>Value</th>
              <th>Type</th>
              <th>Score</th>
              <th>TLP</th>
              <th>Arrived</th>
            </tr>
          </thead>
          <tbody>
            {s.high.top.map((i) => (
              <tr key={i.id}>
                <td className="mono summary-value">{i.value}</td>
                <td>{i.type}</td>
                <td>{i.score}</td>
                <td>{i.tlp.toUpperCase()}</td>
                <td>{new Date(i.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>By feed</h4>
      <table className="summary-table" data-testid="summary-feeds">
        <thead>
          <tr>
            <th>Feed</th>
            <th>New</th>
            <th>Runs</th>
            <th>Failed</th>
            <th>Rejected</th>
          </tr>
        </thead>
        <tbody>
          {s.arrived.byFeed.map((f) => (
            <tr key={f.feedId ?? 'none'}>
              <td>{f.name}</td>
              <td>{f.indicators}</td>
              <td>{f.runs}</td>
              <td>{f.failedRuns}</td>
              <td>{f.rejected}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
