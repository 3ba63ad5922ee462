import type {
  EnrichmentFact,
  EnrichmentResult,
  EnrichmentStatus,
  PivotKind,
  ProviderId,
  ProviderInfo,
  ScanJob,
  SkipReason,
} from '#shared/contract/enrichment.schemas'
import type { Tlp } from '#shared/domain/enums'

/**
 * Words for the enrichment panel, the pivots, the settings and the queue. Provider answers come from the
 * network or from data files: whatever is quoted from them is cut and rendered as text by the caller.
 */

export const PROVIDER_LABELS: Readonly<Record<ProviderId, string>> = {
  geoip: 'GeoIP',
  asn: 'ASN',
  local: 'This database',
  warninglists: 'Warninglists',
  rdap: 'RDAP',
  dns: 'DNS',
  virustotal: 'VirusTotal',
  abuseipdb: 'AbuseIPDB',
  otx: 'AlienVault OTX',
  shodan: 'Shodan',
}

/** The provider's own label when the core listed it, ours otherwise. */
export const providerLabel = (id: ProviderId, infos?: readonly ProviderInfo[] | null): string =>
  infos?.find((p) => p.id === id)?.label ?? PROVIDER_LABELS[id]

export const STATUS_LABELS: Readonly<Record<EnrichmentStatus, string>> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
}

const SKIP_TEXT: Readonly<Record<SkipReason, string>> = {
  tlp: 'its TLP is above the provider’s ceiling',
  budget: 'the provider’s daily budget is spent',
  'no-key': 'the provider needs an API key',
  disabled: 'the provider is switched off',
  'unsupported-type': 'the provider does not look up this type',
  'not-applicable': 'the value may not be sent (private or reserved)',
}

export const tlpText = (tlp: Tlp): string => `TLP:${tlp.toUpperCase()}`

/**
 * Why a result was not sent, in one line: for TLP the indicator's level against the provider's ceiling
 * ("not sent: TLP:AMBER is above VirusTotal's ceiling TLP:GREEN").
 */
export const skipText = (
  r: Pick<EnrichmentResult, 'provider' | 'skipReason' | 'message'>,
  indicatorTlp: Tlp | null,
  infos: readonly ProviderInfo[] | null,
): string => {
  if (r.skipReason === 'tlp' && indicatorTlp !== null) {
    const info = infos?.find((p) => p.id === r.provider)
    if (info !== undefined) {
      return `not sent: ${tlpText(indicatorTlp)} is above ${info.label}’s ceiling ${tlpText(info.settings.maxTlp)}`
    }
  }
  // The core's own words name the case (which markings, which type); ours are the fallback.
  if (r.message !== null) return clip(r.message, 300)
  return r.skipReason === null ? 'not sent' : `not sent: ${SKIP_TEXT[r.skipReason]}`
}

export const clip = (s: string, max = 300): string => (s.length > max ? `${s.slice(0, max)}…` : s)

/**
 * A fact's value as text: booleans in words, nothing as a dash. Numbers stay ungrouped: many are
 * identifiers (an AS number, a port) that an analyst copies and searches for as written.
 */
export const factText = (v: EnrichmentFact['value']): string => {
  if (v === null) return '—'
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (typeof v === 'number') return String(v)
  return clip(v, 500)
}

/** What a pivot row says before its count: "Indicators sharing AS13335 (Cloudflare)". */
export const PIVOT_TEXT: Readonly<Record<PivotKind, string>> = {
  asn: 'Indicators sharing',
  network: 'Indicators in the network range',
  registrar: 'Indicators with the registrar',
  'resolved-address': 'Indicators resolving to',
  country: 'Indicators located in',
}

/** The graph edge a pivot draws between the indicator and each peer. */
export const PIVOT_EDGE: Readonly<Record<PivotKind, string>> = {
  asn: 'same AS',
  network: 'same network',
  registrar: 'same registrar',
  'resolved-address': 'same address',
  country: 'same country',
}

export const SCAN_JOB_OVER = new Set<ScanJob['status']>(['succeeded', 'failed', 'cancelled'])

/** A scan job's progress in words: "12 of 40 indicators, 2 new threats, 1 error". */
export const scanJobProgress = (j: ScanJob): string => {
  const of = j.indicatorsTotal === null ? '' : ` of ${j.indicatorsTotal.toLocaleString('en')}`
  const parts = [`${j.indicatorsProcessed.toLocaleString('en')}${of} indicators`]
  if (j.newThreats > 0)
    parts.push(`${j.newThreats} new ${j.newThreats === 1 ? 'threat' : 'threats'}`)
  if (j.alertsTriggered > 0)
    parts.push(`${j.alertsTriggered} ${j.alertsTriggered === 1 ? 'alert' : 'alerts'}`)
  if (j.errors > 0) parts.push(`${j.errors} ${j.errors === 1 ? 'error' : 'errors'}`)
  return parts.join(', ')
}

export const durationText = (ms: number | null): string => {
  if (ms === null) return '—'
  if (ms < 1000) return `${ms} ms`
  const s = ms / 1000
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
}
