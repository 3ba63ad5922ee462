import type { EnrichmentSettings, SkipReason } from '#shared/contract/enrichment.schemas'
import type { LookupSubject } from '../provider-types'
import type { BoundProvider } from './engine-types'
import { tlpRefusal } from './tlp-gate'

export type GateRefusal = { reason: SkipReason; message: string }

/**
 * Whether a provider may be asked about an indicator at all, before the cache or the budget: switched on,
 * accepts the type, has its key, within its TLP ceiling (unless this request carries a confirmed override),
 * and the value is something it may be asked about.
 */
export const gate = (
  p: BoundProvider,
  s: LookupSubject,
  settings: EnrichmentSettings,
  hasKey: boolean,
  tlpOverride: boolean,
): GateRefusal | null => {
  const mine = settings.providers[p.id]
  if (!mine.enabled)
    return { reason: 'disabled', message: `${p.label} is switched off in the enrichment settings` }
  if (!p.accepts.includes(s.type))
    return {
      reason: 'unsupported-type',
      message: `${p.label} does not look up ${s.type} indicators`,
    }
  if (p.needsKey && !hasKey)
    return { reason: 'no-key', message: `${p.label} needs an API key (Settings → Enrichment)` }
  if (p.network && !tlpOverride) {
    const refused = tlpRefusal(s.tlp, { label: p.label, maxTlp: mine.maxTlp })
    if (refused !== null) return { reason: 'tlp', message: refused }
  }
  const na = p.notApplicable?.(s) ?? null
  if (na !== null) return { reason: 'not-applicable', message: na }
  return null
}
