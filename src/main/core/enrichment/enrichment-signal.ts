import type {
  EnrichmentFinding,
  EnrichmentLevel,
  ProviderId,
} from '#shared/contract/enrichment.schemas'

/**
 * What enrichment tells the score, kept on the indicator (indicators.enrichment_signal, JSON) so rescoring
 * reads one column. Written by the engine whenever an indicator's results change; read by the scoring
 * terms (src/main/core/scoring/score-terms.ts). Only what the score weighs is here; the panel reads the
 * results themselves.
 */
export type EnrichmentSignal = {
  /** Days since the domain was registered (RDAP); null when not known. */
  domainAgeDays: number | null
  /** The address is announced by an ASN on the curated hosting or bulletproof list. */
  hosting: { kind: 'hosting' | 'bulletproof'; asn: number; org: string } | null
  /** The verdicts of providers that judge (VirusTotal, AbuseIPDB, OTX, Shodan), as normalised levels. */
  verdicts: { provider: ProviderId; level: EnrichmentLevel; summary: string }[]
}

/** Providers whose level is a verdict on the indicator (the others describe it: where, who, since when). */
export const VERDICT_PROVIDERS: readonly ProviderId[] = ['virustotal', 'abuseipdb', 'otx', 'shodan']

const factOf = (f: EnrichmentFinding, key: string) => f.facts.find((x) => x.key === key)?.value

/** The signal of an indicator's done results; null when none of them says anything the score weighs. */
export const signalOf = (
  results: readonly { provider: ProviderId; finding: EnrichmentFinding }[],
): EnrichmentSignal | null => {
  let domainAgeDays: number | null = null
  let hosting: EnrichmentSignal['hosting'] = null
  const verdicts: EnrichmentSignal['verdicts'] = []
  for (const { provider, finding } of results) {
    const age = factOf(finding, 'domainAgeDays')
    if (typeof age === 'number' && Number.isFinite(age)) domainAgeDays = age
    const kind = factOf(finding, 'hostingKind')
    const asn = factOf(finding, 'asn')
    if ((kind === 'hosting' || kind === 'bulletproof') && typeof asn === 'number') {
      const org = factOf(finding, 'asOrg')
      hosting = { kind, asn, org: typeof org === 'string' ? org : '' }
    }
    if (VERDICT_PROVIDERS.includes(provider)) {
      verdicts.push({ provider, level: finding.level, summary: finding.summary })
    }
  }
  if (domainAgeDays === null && hosting === null && verdicts.length === 0) return null
  verdicts.sort((a, b) => a.provider.localeCompare(b.provider))
  return { domainAgeDays, hosting, verdicts }
}
