import { RUN_PHASES, type FeedRun } from '#shared/contract/feeds.contract'
import type { RunProgress } from '../../stores/feeds.store'
import { formatCount } from '../indicators/format'
import { PHASE_LABELS, STATUS_LABELS, formatBytes, plural, type RunStatus } from './feeds-format'

export const RunStatusBadge = (props: { status: RunStatus }) => (
  <span
    className={`run-status run-${props.status}`}
    data-testid="run-status"
    data-status={props.status}
  >
    {STATUS_LABELS[props.status]}
  </span>
)

/** One line an analyst can scan: what the run did to the database. */
export const RunCountsLine = (props: { run: FeedRun }) => {
  const r = props.run
  // A download that failed or was cancelled before any record: the error says it all.
  if (r.rows === 0 && (r.status === 'failed' || r.status === 'cancelled'))
    return (
      <span className="run-counts muted" data-testid="run-counts">
        nothing written
      </span>
    )
  const parts: [string, number, string][] = [
    ['new', r.created, 'created'],
    ['updated', r.updated, 'updated'],
    ['unchanged', r.unchanged, 'unchanged'],
    ['duplicates', r.duplicates, 'duplicates'],
    ['rejected', r.rejected, 'rejected'],
  ]
  return (
    <span className="run-counts" data-testid="run-counts">
      <span className="run-count-rows">{plural(r.rows, 'row')}</span>
      {parts.map(([label, n, key]) => (
        <span
          key={key}
          className={n > 0 ? `run-count run-count-${key}` : 'run-count run-count-zero'}
          data-testid={`count-${key}`}
          data-value={n}
        >
          {formatCount(n)} {label}
        </span>
      ))}
    </span>
  )
}

/**
 * The size of a feed is unknown until it ends, so the bar shows the phase (connecting → finishing) and
 * moves while bytes arrive; the numbers beside it are exact.
 */
export const RunProgressBar = (props: { progress: RunProgress | null; label?: string }) => {
  const p = props.progress
  const phaseIndex = p ? RUN_PHASES.indexOf(p.phase) : 0
  const percent = Math.round(((phaseIndex + 1) / RUN_PHASES.length) * 100)
  return (
    <div
      className="run-progress"
      data-testid="run-progress"
      data-phase={p?.phase ?? 'connecting'}
      data-bytes={p?.bytes ?? 0}
      data-rows={p?.rows ?? 0}
    >
      <div
        className="run-progress-track"
        role="progressbar"
        aria-label={props.label ?? 'Run progress'}
        aria-valuemin={1}
        aria-valuemax={RUN_PHASES.length}
        aria-valuenow={phaseIndex + 1}
        aria-valuetext={p ? PHASE_LABELS[p.phase] : 'Starting'}
      >
        <div className="run-progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="run-progress-text" aria-live="polite">
        <strong>{p ? PHASE_LABELS[p.phase] : 'Starting'}</strong>
        {p ? (
          <>
            <span data-testid="progress-bytes">{formatBytes(p.bytes)}</span>
            <span data-testid="progress-rows">{formatCount(p.rows)} rows</span>
            <span data-testid="progress-rate">{formatCount(p.rowsPerSecond)} rows/s</span>
          </>
        ) : null}
      </span>
    </div>
  )
}
