import { useEffect, useState } from 'react'
import { errorMessage } from '../../api/client'
import { useClient, useIndicators, useServices } from '../../app-context'
import { Modal } from '../../components/modal'
import { useEnrichmentScanJob } from '../../hooks/use-enrichment-scan-job'
import { cleanFilter } from '../../stores/indicators.store'
import { SCAN_JOB_OVER, scanJobProgress } from './enrichment-format'
import { SelectionOrFilter, type IndicatorSource } from './selection-or-filter'
import './enrichment.css'

/**
 * "Enrich…" in the Indicators view's toolbar: the selected indicator, or every indicator the current filter
 * matches (counted first), as one persisted scan job (enrichment.run). Its progress stays in the toolbar
 * (enrichment.onDidScanJob) after the dialog closes, with Cancel while it runs.
 */
export const EnrichmentRunButton = () => {
  const client = useClient()
  const { indicators } = useServices()
  const selected = useIndicators((s) => (s.selectedId === null ? null : s.rowAt(s.selectedIndex)))
  const filter = useIndicators((s) => s.filter)
  const scan = useEnrichmentScanJob()
  const [open, setOpen] = useState(false)
  const [source, setSource] = useState<IndicatorSource>('filter')
  const [count, setCount] = useState<number | null>(null)
  const [countError, setCountError] = useState<string | null>(null)
  const filterKey = JSON.stringify(cleanFilter(filter))
  const job = scan.scanJob
  const running = job !== null && !SCAN_JOB_OVER.has(job.status)

  useEffect(() => {
    if (!open) return
    let live = true
    client.call('indicators.count', { filter: cleanFilter(filter) }).then(
      (r) => {
        if (live) setCount(r.total)
      },
      (e: unknown) => {
        if (live) setCountError(errorMessage(e))
      },
    )
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the filter's identity is its JSON
  }, [client, filterKey, open])

  const start = async () => {
    const target =
      source === 'selection' && selected !== null
        ? { kind: 'indicators' as const, ids: [selected.id] }
        : { kind: 'query' as const, filter: cleanFilter(indicators.getState().filter) }
    if ((await scan.run({ target })) !== null) setOpen(false)
  }

  const canStart =
    !scan.starting &&
    !running &&
    (source === 'selection' ? selected !== null : count !== null && count > 0)

  return (
    <span className="enrich-action">
      <button
        type="button"
        className="button button-small"
        data-testid="enrich-button"
        onClick={() => {
          setSource(selected !== null ? 'selection' : 'filter')
          // Counted afresh each time: the filter may have changed since.
          setCount(null)
          setCountError(null)
          setOpen(true)
        }}
      >
        Enrich…
      </button>
      {job !== null ? (
        <span
          className="muted enrich-job"
          role="status"
          data-testid="enrich-job"
          data-id={job.id}
          data-status={job.status}
        >
          {' '}
          {running ? 'Enriching' : `Enrichment ${job.status}`}: {scanJobProgress(job)}
          {running ? (
            <>
              {' '}
              <button
                type="button"
                className="link-button"
                data-testid="enrich-job-cancel"
                onClick={() => void scan.cancel()}
              >
                Cancel
              </button>
            </>
          ) : null}
        </span>
      ) : null}
      {open ? (
        <Modal
          title="Enrich indicators"
          onClose={() => setOpen(false)}
          testId="enrich-dialog"
          footer={
            <>
              <button type="button" className="button" onClick={() => setOpen(false)}>
                Cancel
              </button>
              <button
                type="button"
                className="button button-primary"
                disabled={!canStart}
                data-testid="enrich-start"
                onClick={() => void start()}
              >
                {source === 'filter' && count !== null
                  ? `Enrich ${count.toLocaleString('en')}`
                  : 'Enrich'}
              </button>
            </>
          }
        >
          <SelectionOrFilter
            name="enrich"
            legend="What to enrich"
            className="enrich-choice"
            source={source}
            onSource={setSource}
            selected={selected}
            count={count}
            filter={filter}
          />
          <p className="muted">
            Local data answers at once. Network providers ask only what their TLP ceilings allow,
            within their budgets; while offline their requests wait in the queue.
          </p>
          {running ? (
            <p className="muted">Wait for the running enrichment to finish, or cancel it.</p>
          ) : null}
          {scan.error !== null || countError !== null ? (
            <p className="form-error" role="alert" data-testid="enrich-error">
              {scan.error ?? countError}
            </p>
          ) : null}
        </Modal>
      ) : null}
    </span>
  )
}
