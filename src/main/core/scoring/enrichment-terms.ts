import {
  ENRICHMENT_LEVELS,
  ENRICHMENT_PROVIDERS,
  type EnrichmentLevel,
  type ProviderId,
} from '#shared/contract/enrichment.schemas'
import type { ScoreTerm } from '#shared/contract/scoring.schemas'
import type { IocType } from '#shared/domain/enums'
import type { EnrichmentSignal } from '#core/enrichment/enrichment-signal'

/**
 * The score's enrichment terms (issue 12), read from indicators.enrichment_signal (what the enrichment
 * engine wrote with the results: src/main/core/enrichment/enrichment-signal.ts). Weighed against the other
 * terms (docs/architecture.md, "Scoring"):
 * - provider verdicts are evidence about the indicator itself, as strong as a feed's classification at
 *   most: malicious from one provider +15, from two or more +20; suspicious +5; a clean verdict from a
 *   provider whose "clean" covers many sources (VirusTotal's engines, AbuseIPDB's reporters) takes a little
 *   away, -4 each, at most -8, and only when no provider calls it suspicious or malicious;
 * - the rest is context, circumstantial: a domain registered under 30 days ago +10, under 7 days +15 (most
 *   phishing and C2 domains are used within days of registration, but so are many new legitimate ones);
 *   an address of a hosting ASN +3 (most of the Internet is hosted), of a bulletproof ASN +12 (a provider
 *   known to ignore abuse reports);
 * - context adds at most CONTEXT_CAP together (a brand-new domain on a bulletproof host is not two pieces
 *   of evidence), so enrichment moves a score by -8 … +40 in all.
 */

export const YOUNG_DOMAIN_DAYS = 30
export const VERY_YOUNG_DOMAIN_DAYS = 7
export const CONTEXT_CAP = 20
export const VERDICT_MAX = 20
export const CLEAN_MIN = -8

/** Providers whose "safe" is backed by wide coverage, so a clean answer says something. */
export const CLEAN_COVERAGE_PROVIDERS: readonly ProviderId[] = ['virustotal', 'abuseipdb']

export const PROVIDER_LABEL: Readonly<Record<ProviderId, string>> = {
  geoip: 'GeoIP',
  asn: 'ASN',
  local: 'Local database',
  warninglists: 'Warninglists',
  rdap: 'RDAP',
  dns: 'DNS',
  virustotal: 'VirusTotal',
  abuseipdb: 'AbuseIPDB',
  otx: 'AlienVault OTX',
  shodan: 'Shodan',
}

const NO_ENRICHMENT = 'no enrichment yet'

/** Provider text is hostile: cut, and control characters flattened, before it is worded into a detail. */
const MAX_TEXT = 120
const clean = (s: string): string => {
  // eslint-disable-next-line no-control-regex
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim()
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT)}…` : flat
}

const PROVIDERS = new Set<unknown>(ENRICHMENT_PROVIDERS)
const LEVELS = new Set<unknown>(ENRICHMENT_LEVELS)
const MAX_VERDICTS = ENRICHMENT_PROVIDERS.length

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The stored signal, or null when the column is empty or not a signal: it is read, never trusted (a value
 * that does not parse scores as no enrichment rather than failing a rescore of a million rows).
 */
export const parseEnrichmentSignal = (json: string | null): EnrichmentSignal | null => {
  if (json === null || json === '') return null
  let v: unknown
  try {
    v = JSON.parse(json)
  } catch {
    return null
  }
  if (!isRecord(v)) return null
  const age = v.domainAgeDays
  const domainAgeDays = typeof age === 'number' && Number.isFinite(age) ? age : null
  let hosting: EnrichmentSignal['hosting'] = null
  const h = v.hosting
  if (
    isRecord(h) &&
    (h.kind === 'hosting' || h.kind === 'bulletproof') &&
    Number.isInteger(h.asn)
  ) {
    hosting = { kind: h.kind, asn: h.asn as number, org: typeof h.org === 'string' ? h.org : '' }
  }
  const verdicts: EnrichmentSignal['verdicts'] = []
  if (Array.isArray(v.verdicts)) {
    for (const x of v.verdicts.slice(0, MAX_VERDICTS)) {
      if (!isRecord(x) || !PROVIDERS.has(x.provider) || !LEVELS.has(x.level)) continue
      verdicts.push({
        provider: x.provider as ProviderId,
        level: x.level as EnrichmentLevel,
        summary: typeof x.summary === 'string' ? x.summary : '',
      })
    }
  }
  return { domainAgeDays, hosting, verdicts }
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`

/** The types whose value names a domain RDAP can date. */
const DOMAIN_TYPES = new Set<IocType | undefined>(['domain', 'url', 'email'])

/** A young domain (RDAP's registration date): under 7 days +15, under 30 days +10. */
export const youngDomainTerm = (s: EnrichmentSignal | null, type?: IocType): ScoreTerm => {
  if (s === null) return { term: 'young_domain', points: 0, detail: NO_ENRICHMENT }
  if (s.domainAgeDays === null)
    return {
      term: 'young_domain',
      points: 0,
      detail:
        type === undefined || DOMAIN_TYPES.has(type)
          ? 'registration date not known (RDAP)'
          : 'not a domain',
    }
  // A registration dated after now (clock skew at the registry) is a domain registered today.
  const age = Math.max(0, Math.floor(s.domainAgeDays))
  const points = age < VERY_YOUNG_DOMAIN_DAYS ? 15 : age < YOUNG_DOMAIN_DAYS ? 10 : 0
  return {
    term: 'young_domain',
    points,
    detail:
      points === 0
        ? `domain registered ${days(age)} ago (RDAP): not young`
        : `domain registered ${days(age)} ago (RDAP)`,
  }
}

/** The address's ASN on the curated list: hosting +3, bulletproof +12; held so context adds at most 20. */
export const hostingTerm = (s: EnrichmentSignal | null, youngDomainPoints: number): ScoreTerm => {
  if (s === null) return { term: 'hosting_asn', points: 0, detail: NO_ENRICHMENT }
  const h = s.hosting
  if (h === null)
    return {
      term: 'hosting_asn',
      points: 0,
      detail: 'not announced by an ASN on the hosting or bulletproof list',
    }
  const full = h.kind === 'bulletproof' ? 12 : 3
  const points = Math.max(0, Math.min(full, CONTEXT_CAP - youngDomainPoints))
  const as = `AS${h.asn}${h.org === '' ? '' : ` ${clean(h.org)}`}`
  const held =
    points < full
      ? ` (${full} held to ${points}: domain age and hosting add at most ${CONTEXT_CAP} together)`
      : ''
  return { term: 'hosting_asn', points, detail: `${as} on the ${h.kind} list${held}` }
}

const verdictText = (v: EnrichmentSignal['verdicts'][number]) => {
  const summary = clean(v.summary)
  return `${PROVIDER_LABEL[v.provider]}: ${summary === '' ? v.level : summary}`
}

/**
 * The verdicts of the providers that judge: malicious from one +15, two or more +20; suspicious +5 (with one
 * malicious: +20 in all); clean from a provider with wide coverage -4 each, at most -8, only when none says
 * suspicious or malicious.
 */
export const providerVerdictsTerm = (s: EnrichmentSignal | null): ScoreTerm => {
  if (s === null) return { term: 'provider_verdicts', points: 0, detail: NO_ENRICHMENT }
  const malicious = s.verdicts.filter((v) => v.level === 'malicious')
  const suspicious = s.verdicts.filter((v) => v.level === 'suspicious')
  if (malicious.length + suspicious.length > 0) {
    const points = Math.min(
      VERDICT_MAX,
      (malicious.length >= 2 ? 20 : malicious.length === 1 ? 15 : 0) +
        (suspicious.length > 0 ? 5 : 0),
    )
    const named = [...malicious, ...suspicious].map(
      (v) => `${verdictText(v)} (${v.level === 'malicious' ? 'malicious' : 'suspicious'})`,
    )
    return { term: 'provider_verdicts', points, detail: named.join('; ') }
  }
  const clear = s.verdicts.filter(
    (v) => v.level === 'safe' && CLEAN_COVERAGE_PROVIDERS.includes(v.provider),
  )
  if (clear.length > 0) {
    return {
      term: 'provider_verdicts',
      points: Math.max(CLEAN_MIN, -4 * clear.length),
      detail: clear.map((v) => `${verdictText(v)} (clean)`).join('; '),
    }
  }
  if (s.verdicts.length === 0)
    return { term: 'provider_verdicts', points: 0, detail: 'no provider has judged it yet' }
  return {
    term: 'provider_verdicts',
    points: 0,
    detail: `no provider calls it suspicious or malicious (${s.verdicts
      .map((v) => `${PROVIDER_LABEL[v.provider]}: ${v.level}`)
      .join(', ')})`,
  }
}

/** The three enrichment terms, in the breakdown's order. */
export const enrichmentTerms = (s: EnrichmentSignal | null, type?: IocType): ScoreTerm[] => {
  const young = youngDomainTerm(s, type)
  return [young, hostingTerm(s, young.points), providerVerdictsTerm(s)]
}

/** The names of the enrichment terms (a breakdown stored before they existed lacks some of them). */
export const ENRICHMENT_TERM_NAMES = ['young_domain', 'hosting_asn', 'provider_verdicts'] as const
