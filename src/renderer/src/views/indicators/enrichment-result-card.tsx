import { useState } from 'react'
import type { EnrichmentResult, ProviderInfo } from '#shared/contract/enrichment.schemas'
import type { Tlp } from '#shared/domain/enums'
import { STATUS_LABELS, clip, factText, providerLabel, skipText } from './enrichment-format'
import { EnrichmentRaw } from './enrichment-raw'
import { formatDateTime } from './format'

/**
 * One provider's result for the indicator: a badge in the level's colour with the summary, the status
 * (and why it was skipped or failed), the facts, when and from where, and the raw response on demand.
 * Everything quoted from the provider is text.
 */
export const EnrichmentResultCard = (props: {
  result: EnrichmentResult
  indicatorTlp: Tlp
  providers: readonly ProviderInfo[] | null
  busy: boolean
  onRerun: () => void
  onOverride: (() => void) | null
}) => {
  const { result: r, providers } = props
  const [showRaw, setShowRaw] = useState(false)
  const label = providerLabel(r.provider, providers)
  const f = r.finding
  const level = f?.level ?? null
  return (
    <li
      className="observation enrichment-result"
      data-testid="enrichment-result"
      data-provider={r.provider}
      data-status={r.status}
      data-level={level ?? ''}
    >
      <div className="observation-head">
        <span
          className={`enrichment-badge enrichment-level-${level ?? 'none'}`}
          data-testid="enrichment-badge"
          title={level === null ? 'No answer yet' : `Level: ${level}`}
        >
          {label}
          {level !== null ? <span className="enrichment-badge-level">{level}</span> : null}
        </span>
        <span
          className={`enrichment-status enrichment-status-${r.status}`}
          data-testid="enrichment-status"
        >
          {STATUS_LABELS[r.status]}
        </span>
        {r.cached ? <span className="flag">cached</span> : null}
        {r.tlpOverride ? (
          <span className="flag flag-fp" title="Sent above the provider's TLP ceiling, confirmed">
            TLP override
          </span>
        ) : null}
        <span className="enrichment-result-tools">
          <button
            type="button"
            className="link-button"
            disabled={props.busy}
            data-testid="enrichment-rerun-provider"
            onClick={props.onRerun}
          >
            Re-run
          </button>
        </span>
      </div>
      {f !== null && f.summary !== '' ? (
        <p className="enrichment-summary" data-testid="enrichment-summary">
          {clip(f.summary, 500)}
        </p>
      ) : null}
      {r.status === 'skipped' ? (
        <p className="muted enrichment-why" data-testid="enrichment-skip">
          <span data-testid="enrichment-skip-text">
            {skipText(r, props.indicatorTlp, providers)}
          </span>
          {props.onOverride !== null ? (
            <>
              {' '}
              <button
                type="button"
                className="link-button"
                disabled={props.busy}
                data-testid="enrichment-override"
                onClick={props.onOverride}
              >
                Send anyway…
              </button>
            </>
          ) : null}
        </p>
      ) : null}
      {r.status === 'failed' && r.message !== null ? (
        <p className="form-error enrichment-why" data-testid="enrichment-error">
          {clip(r.message, 500)}
          {r.attempts > 1 ? ` (after ${r.attempts} attempts)` : null}
        </p>
      ) : null}
      {f !== null && f.tags.length > 0 ? (
        <span className="tags enrichment-tags">
          {f.tags.slice(0, 20).map((t) => (
            <span key={t} className="tag">
              {clip(t, 60)}
            </span>
          ))}
        </span>
      ) : null}
      {f !== null && f.facts.length > 0 ? (
        <dl className="enrichment-facts" data-testid="enrichment-facts">
          {f.facts.map((fact) => (
            <div key={fact.key} className="enrichment-fact" data-testid="enrichment-fact">
              <dt data-key={fact.key}>{clip(fact.label, 120)}</dt>
              <dd data-testid="enrichment-fact-value">{factText(fact.value)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <p className="muted enrichment-when" data-testid="enrichment-when">
        {r.fetchedAt !== null
          ? `Fetched ${formatDateTime(r.fetchedAt)}${r.cached ? ' (from the cache)' : ''}`
          : `Requested ${formatDateTime(r.requestedAt)}`}
        {r.expiresAt !== null ? `, fresh until ${formatDateTime(r.expiresAt)}` : null}
        {r.source !== null ? (
          <>
            {' · from '}
            <span data-testid="enrichment-source">{clip(r.source, 200)}</span>
          </>
        ) : null}
        {` · reliability ${r.reliability}`}
      </p>
      {r.hasRaw ? (
        <>
          <button
            type="button"
            className="link-button"
            aria-expanded={showRaw}
            data-testid="enrichment-raw-toggle"
            onClick={() => setShowRaw(!showRaw)}
          >
            {showRaw ? 'Hide the raw response' : 'Show the raw response'}
          </button>
          {showRaw ? <EnrichmentRaw indicatorId={r.indicatorId} provider={r.provider} /> : null}
        </>
      ) : null}
    </li>
  )
}
