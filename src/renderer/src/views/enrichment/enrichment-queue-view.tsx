import { useState } from 'react'
import {
  ENRICHMENT_PROVIDERS,
  type EnrichmentStatus,
  type ProviderId,
  type SkipReason,
} from '#shared/contract/enrichment.schemas'
import { defang } from '#shared/domain'
import { useContractQuery } from '../../hooks/use-contract-query'
import { useIntelNav } from '../intel/intel-nav'
import { PROVIDER_LABELS, clip } from '../indicators/enrichment-format'
import { TYPE_LABELS, formatCount, formatDateTime } from '../indicators/format'
import { EnrichmentScanJobs } from './enrichment-scan-jobs'
import './enrichment-queue.css'

/** Entries listed per page under the counts. */
const ENTRIES_PAGE = 50

type CountKey = EnrichmentStatus | 'skipped:tlp' | 'skipped:budget'
const COLUMNS: readonly { key: CountKey; label: string }[] = [
  { key: 'queued', label: 'Queued' },
  { key: 'running', label: 'Running' },
  { key: 'done', label: 'Done' },
  { key: 'failed', label: 'Failed' },
  { key: 'skipped', label: 'Skipped' },
  { key: 'skipped:tlp', label: 'of which TLP' },
  { key: 'skipped:budget', label: 'of which budget' },
]

type EntryFilter = { provider: ProviderId; status: EnrichmentStatus; skipReason?: SkipReason }

const filterOf = (provider: ProviderId, key: CountKey): EntryFilter =>
  key === 'skipped:tlp'
    ? { provider, status: 'skipped', skipReason: 'tlp' }
    : key === 'skipped:budget'
      ? { provider, status: 'skipped', skipReason: 'budget' }
      : { provider, status: key }

const sameFilter = (a: EntryFilter | null, b: EntryFilter): boolean =>
  a !== null && a.provider === b.provider && a.status === b.status && a.skipReason === b.skipReason

/** The (indicator, provider) pairs behind one count, a page at a time; a value opens the indicator. */
const QueueEntries = (props: { filter: EntryFilter }) => {
  const nav = useIntelNav()
  const [offset, setOffset] = useState(0)
  const { filter } = props
  const { data, error } = useContractQuery(
    'enrichment.queue',
    { ...filter, limit: ENTRIES_PAGE, offset },
    `${JSON.stringify(filter)} ${offset}`,
    [{ event: 'enrichment.onDidUpdate' }],
  )
  if (error !== null) {
    return (
      <p className="form-error" role="alert">
        {error}
      </p>
    )
  }
  if (data === null) return <p className="muted">Loading…</p>
  return (
    <div className="enrichment-entries" data-testid="queue-entries" data-total={data.total}>
      <h3>
        {PROVIDER_LABELS[filter.provider]}, {filter.status}
        {filter.skipReason ? ` (${filter.skipReason})` : ''}: {formatCount(data.total)}
      </h3>
      <ul>
        {data.items.map((e) => (
          <li key={`${e.indicatorId} ${e.provider}`} data-testid="queue-entry">
            <span className="type-chip">{TYPE_LABELS[e.indicator.type]}</span>
            <button
              type="button"
              className="link-button mono"
              onClick={() => nav.openIndicator(e.indicatorId)}
            >
              {clip(defang(e.indicator.type, e.indicator.value), 200)}
            </button>
            <span className="muted">requested {formatDateTime(e.requestedAt)}</span>
            {e.message !== null ? <span className="muted">{clip(e.message, 300)}</span> : null}
          </li>
        ))}
      </ul>
      {data.total > ENTRIES_PAGE ? (
        <div className="enrichment-entries-pages">
          <button
            type="button"
            className="button button-small"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - ENTRIES_PAGE))}
          >
            Previous
          </button>
          <span className="muted">
            {formatCount(offset + 1)}–{formatCount(Math.min(data.total, offset + ENTRIES_PAGE))} of{' '}
            {formatCount(data.total)}
          </span>
          <button
            type="button"
            className="button button-small"
            disabled={offset + ENTRIES_PAGE >= data.total}
            onClick={() => setOffset(offset + ENTRIES_PAGE)}
          >
            Next
          </button>
        </div>
      ) : null}
    </div>
  )
}

/**
 * The enrichment queue and its jobs: per provider how many (indicator, provider) pairs are queued,
 * running, done, failed and skipped (for TLP, for budget), live with enrichment.onDidUpdate; a count opens
 * its entries. Below, the persisted scan jobs with their metrics.
 */
export const EnrichmentQueueView = () => {
  const [entries, setEntries] = useState<EntryFilter | null>(null)
  const { data, error } = useContractQuery('enrichment.queue', { limit: 1, offset: 0 }, 'counts', [
    { event: 'enrichment.onDidUpdate' },
    { event: 'enrichment.onDidScanJob' },
  ])
  return (
    <section
      className="view enrichment-queue-view"
      aria-labelledby="enrichment-title"
      data-testid="enrichment-queue-view"
      data-state={data === null ? 'loading' : 'ready'}
    >
      <div className="view-header">
        <h1 id="enrichment-title">Enrichment</h1>
        {data !== null ? (
          <span className="count" data-testid="enrichment-queue-mode">
            {data.offline
              ? 'Offline: network providers wait in the queue'
              : 'Online: network providers are asked'}
          </span>
        ) : null}
      </div>
      <div className="view-body enrichment-queue-body">
        {error !== null ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <section className="enrichment-queue-section" aria-labelledby="enrichment-counts-title">
          <h2 id="enrichment-counts-title">Queue</h2>
          {data !== null ? (
            <table className="enrichment-table" data-testid="queue-counts">
              <thead>
                <tr>
                  <th>Provider</th>
                  {COLUMNS.map((c) => (
                    <th key={c.key} className="num">
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {ENRICHMENT_PROVIDERS.map((p) => (
                  <tr key={p} data-testid="queue-provider" data-provider={p}>
                    <td>{PROVIDER_LABELS[p]}</td>
                    {COLUMNS.map((c) => {
                      const n = data.counts[p]?.[c.key] ?? 0
                      const f = filterOf(p, c.key)
                      return (
                        <td key={c.key} className="num" data-count={c.key}>
                          {n === 0 ? (
                            <span className="muted">0</span>
                          ) : (
                            <button
                              type="button"
                              className="link-button"
                              aria-pressed={sameFilter(entries, f)}
                              onClick={() => setEntries(sameFilter(entries, f) ? null : f)}
                            >
                              {formatCount(n)}
                            </button>
                          )}
                        </td>
                      )
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {entries !== null ? (
            <QueueEntries key={JSON.stringify(entries)} filter={entries} />
          ) : null}
        </section>
        <EnrichmentScanJobs />
      </div>
    </section>
  )
}
