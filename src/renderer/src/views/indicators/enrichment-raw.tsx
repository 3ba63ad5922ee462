import type { ProviderId } from '#shared/contract/enrichment.schemas'
import { useContractQuery } from '../../hooks/use-contract-query'
import { formatDateTime } from './format'

/**
 * A provider's raw response as it was received (enrichment.raw), for audit. It is whatever the service sent:
 * shown only as text in a bounded scroll box, never parsed into markup or followed as a link.
 */
export const EnrichmentRaw = (props: { indicatorId: string; provider: ProviderId }) => {
  const { indicatorId, provider } = props
  const { data, error } = useContractQuery(
    'enrichment.raw',
    { indicatorId, provider },
    `${indicatorId} ${provider}`,
  )
  if (error !== null) {
    return (
      <p className="form-error" role="alert" data-testid="enrichment-raw-error">
        {error}
      </p>
    )
  }
  if (data === null) return <p className="muted">Loading the raw response…</p>
  return (
    <div className="enrichment-raw" data-testid="enrichment-raw" data-provider={provider}>
      <p className="muted enrichment-raw-meta">
        Received {formatDateTime(data.fetchedAt)}
        {data.url !== null ? (
          <>
            {' from '}
            <code data-testid="enrichment-raw-url">{data.url}</code>
          </>
        ) : null}
        {data.truncated ? ' (cut: only the first part was kept)' : null}
      </p>
      <pre className="enrichment-raw-body" tabIndex={0} data-testid="enrichment-raw-body">
        {data.raw}
      </pre>
    </div>
  )
}
