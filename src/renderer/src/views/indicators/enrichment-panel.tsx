import { useEffect, useState } from 'react'
import {
  ENRICHMENT_PROVIDERS,
  type ProviderId,
  type ProviderInfo,
} from '#shared/contract/enrichment.schemas'
import type { Tlp } from '#shared/domain/enums'
import { useContractQuery } from '../../hooks/use-contract-query'
import { useEnrichmentScanJob } from '../../hooks/use-enrichment-scan-job'
import { SCAN_JOB_OVER, scanJobProgress } from './enrichment-format'
import { EnrichmentOverrideDialog } from './enrichment-override-dialog'
import { EnrichmentResultCard } from './enrichment-result-card'
import '../../components/observations-list.css'
import './enrichment.css'

const ORDER = new Map<ProviderId, number>(ENRICHMENT_PROVIDERS.map((p, i) => [p, i]))

/**
 * The indicator's enrichment (enrichment.results): one card per provider asked, live as answers arrive
 * (enrichment.onDidUpdate). "Enrich" starts the first run; "Re-run" asks again past the cache; a provider
 * skipped for TLP can be sent once after an explicit, reasoned confirmation.
 */
export const EnrichmentPanel = (props: { indicatorId: string; tlp: Tlp }) => {
  const { indicatorId, tlp } = props
  const results = useContractQuery('enrichment.results', { indicatorId }, indicatorId, [
    {
      event: 'enrichment.onDidUpdate',
      when: (p) => p.indicatorIds.includes(indicatorId),
    },
  ])
  // Labels and TLP ceilings for the skip reasons and the override; reloaded with the results.
  const providers = useContractQuery('enrichment.providers', {}, indicatorId, [
    { event: 'enrichment.onDidUpdate', when: (p) => p.indicatorIds.includes(indicatorId) },
  ])
  const scan = useEnrichmentScanJob()
  const [overriding, setOverriding] = useState<ProviderInfo | null>(null)
  const job = scan.scanJob
  const jobOver = job === null || SCAN_JOB_OVER.has(job.status)
  const { reload } = results

  // The job's last step may land after the last batched update event: read the results once more.
  useEffect(() => {
    if (job !== null && SCAN_JOB_OVER.has(job.status)) reload()
  }, [job, reload])

  const run = (providerIds?: ProviderId[], force = true) =>
    scan.run({
      target: { kind: 'indicators', ids: [indicatorId] },
      force,
      ...(providerIds ? { providers: providerIds } : {}),
    })

  const override = async (reason: string) => {
    if (overriding === null) return
    const started = await scan.run({
      target: { kind: 'indicators', ids: [indicatorId] },
      providers: [overriding.id],
      force: true,
      tlpOverride: { confirm: true, reason },
    })
    // A refusal stays in the dialog (scan.error), with the reason the analyst typed.
    if (started !== null) setOverriding(null)
  }

  const items = [...(results.data?.items ?? [])].sort(
    (a, b) => (ORDER.get(a.provider) ?? 0) - (ORDER.get(b.provider) ?? 0),
  )
  const pending = items.some((r) => r.status === 'queued' || r.status === 'running')
  const busy = scan.starting || !jobOver
  const infos = providers.data?.items ?? null
  const state = results.data === null ? 'loading' : busy ? 'running' : pending ? 'pending' : 'ready'

  return (
    <section
      className="observations enrichment-panel"
      aria-labelledby={`enrichment-${indicatorId}`}
      aria-busy={busy}
      data-testid="enrichment-panel"
      data-state={state}
    >
      <h3 id={`enrichment-${indicatorId}`} className="observations-title">
        Enrichment
        {providers.data?.offline ? (
          <span className="muted" data-testid="enrichment-offline">
            {' '}
            (offline: network providers wait in the queue)
          </span>
        ) : null}
      </h3>
      <div className="enrichment-actions">
        {results.data !== null && items.length === 0 ? (
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            data-testid="enrichment-enrich"
            onClick={() => void run(undefined, false)}
          >
            Enrich
          </button>
        ) : (
          <button
            type="button"
            className="button"
            disabled={busy || results.data === null}
            data-testid="enrichment-rerun"
            onClick={() => void run()}
          >
            Re-run all
          </button>
        )}
        {job !== null ? (
          <span
            className="muted"
            role="status"
            data-testid="enrichment-job"
            data-id={job.id}
            data-status={job.status}
          >
            {job.status === 'queued' || job.status === 'running'
              ? `Enriching: ${scanJobProgress(job)}`
              : `Last run ${job.status}: ${scanJobProgress(job)}`}
          </span>
        ) : null}
      </div>
      {results.error !== null || scan.error !== null ? (
        <p className="form-error" role="alert" data-testid="enrichment-panel-error">
          {results.error ?? scan.error}
        </p>
      ) : null}
      {results.data !== null && items.length === 0 ? (
        <p className="muted" data-testid="enrichment-empty">
          Not enriched yet. Local data (GeoIP, ASN, this database, warninglists) answers at once;
          network providers follow their TLP ceilings and budgets.
        </p>
      ) : null}
      {items.length > 0 ? (
        <ul className="observation-list">
          {items.map((r) => {
            const info = infos?.find((p) => p.id === r.provider)
            return (
              <EnrichmentResultCard
                key={r.provider}
                result={r}
                indicatorTlp={tlp}
                providers={infos}
                busy={busy}
                onRerun={() => void run([r.provider])}
                onOverride={
                  r.status === 'skipped' && r.skipReason === 'tlp' && info !== undefined
                    ? () => setOverriding(info)
                    : null
                }
              />
            )
          })}
        </ul>
      ) : null}
      {overriding !== null ? (
        <EnrichmentOverrideDialog
          provider={overriding}
          indicatorTlp={tlp}
          busy={scan.starting}
          error={scan.error}
          onCancel={() => setOverriding(null)}
          onConfirm={(reason) => void override(reason)}
        />
      ) : null}
    </section>
  )
}
