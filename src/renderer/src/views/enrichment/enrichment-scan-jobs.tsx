import { useState } from 'react'
import type { ScanJob } from '#shared/contract/enrichment.schemas'
import { errorMessage } from '../../api/client'
import { useClient } from '../../app-context'
import { useContractQuery } from '../../hooks/use-contract-query'
import { PROVIDER_LABELS, SCAN_JOB_OVER, clip, durationText } from '../indicators/enrichment-format'
import { formatCount, formatDateTime } from '../indicators/format'

/** Jobs listed: the newest, as enrichment.scanJobs answers them. */
const JOBS_LIMIT = 50

const JobRow = (props: { job: ScanJob; onCancel: () => void; busy: boolean }) => {
  const j = props.job
  const [open, setOpen] = useState(false)
  return (
    <>
      <tr data-testid="scan-job" data-id={j.id} data-status={j.status}>
        <td>{j.type === 'auto-enrichment' ? 'automatic' : 'on demand'}</td>
        <td>
          <span className={`enrichment-job-status is-${j.status}`} data-testid="scan-job-status">
            {j.status}
          </span>
        </td>
        <td className="enrichment-job-target" title={j.target}>
          {clip(j.target, 120)}
        </td>
        <td className="num" data-testid="scan-job-processed">
          {formatCount(j.indicatorsProcessed)}
          {j.indicatorsTotal === null ? '' : ` / ${formatCount(j.indicatorsTotal)}`}
        </td>
        <td className="num">{formatCount(j.newThreats)}</td>
        <td className="num">{formatCount(j.alertsTriggered)}</td>
        <td className="num">
          {j.errors > 0 && j.errorSamples.length > 0 ? (
            <button
              type="button"
              className="link-button"
              aria-expanded={open}
              data-testid="scan-job-errors"
              onClick={() => setOpen(!open)}
            >
              {formatCount(j.errors)}
            </button>
          ) : (
            formatCount(j.errors)
          )}
        </td>
        <td className="num">{durationText(j.durationMs)}</td>
        <td>{formatDateTime(j.createdAt)}</td>
        <td>
          {!SCAN_JOB_OVER.has(j.status) ? (
            <button
              type="button"
              className="button button-small button-danger-quiet"
              disabled={props.busy}
              data-testid="scan-job-cancel"
              onClick={props.onCancel}
            >
              Cancel
            </button>
          ) : null}
        </td>
      </tr>
      {open ? (
        <tr className="enrichment-job-errors">
          <td colSpan={10}>
            <p className="muted">
              Providers: {j.providers.map((p) => PROVIDER_LABELS[p]).join(', ') || '—'}; by{' '}
              {clip(j.actor, 100)}
            </p>
            <ul>
              {j.errorSamples.map((e, i) => (
                <li key={i}>{clip(e, 500)}</li>
              ))}
            </ul>
          </td>
        </tr>
      ) : null}
    </>
  )
}

/**
 * The persisted enrichment jobs (enrichment.scanJobs), newest first, with the seed schema's metrics, kept
 * current by enrichment.onDidScanJob; a queued or running job can be cancelled (answers stored stay).
 */
export const EnrichmentScanJobs = () => {
  const client = useClient()
  const { data, error, reload } = useContractQuery(
    'enrichment.scanJobs',
    { limit: JOBS_LIMIT },
    'scan-jobs',
    [{ event: 'enrichment.onDidScanJob' }],
  )
  const [busy, setBusy] = useState(false)
  const [cancelError, setCancelError] = useState<string | null>(null)

  const cancel = async (id: string) => {
    setBusy(true)
    setCancelError(null)
    try {
      await client.call('enrichment.cancelScanJob', { id })
      reload()
    } catch (e) {
      setCancelError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section
      className="enrichment-queue-section"
      aria-labelledby="enrichment-jobs-title"
      data-testid="scan-jobs"
      data-state={data === null ? 'loading' : 'ready'}
    >
      <h2 id="enrichment-jobs-title">Jobs</h2>
      {error !== null || cancelError !== null ? (
        <p className="form-error" role="alert">
          {error ?? cancelError}
        </p>
      ) : null}
      {data !== null && data.items.length === 0 ? (
        <p className="muted" data-testid="scan-jobs-empty">
          No enrichment job yet: use “Enrich” on an indicator, or “Enrich…” in the Indicators view.
        </p>
      ) : null}
      {data !== null && data.items.length > 0 ? (
        <table className="enrichment-table">
          <thead>
            <tr>
              <th>Type</th>
              <th>Status</th>
              <th>Target</th>
              <th className="num">Indicators</th>
              <th className="num">New threats</th>
              <th className="num">Alerts</th>
              <th className="num">Errors</th>
              <th className="num">Duration</th>
              <th>Created</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {data.items.map((j) => (
              <JobRow key={j.id} job={j} busy={busy} onCancel={() => void cancel(j.id)} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}
