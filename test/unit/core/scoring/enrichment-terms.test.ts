import { describe, expect, it } from 'vitest'
import type { EnrichmentSignal } from '#core/enrichment/enrichment-signal'
import {
  enrichmentTerms,
  hostingTerm,
  parseEnrichmentSignal,
  providerVerdictsTerm,
  youngDomainTerm,
} from '#core/scoring/enrichment-terms'

const signal = (over: Partial<EnrichmentSignal> = {}): EnrichmentSignal => ({
  domainAgeDays: null,
  hosting: null,
  verdicts: [],
  ...over,
})

describe('enrichment terms', () => {
  it('say "no enrichment yet" with 0 points when there is no signal', () => {
    expect(enrichmentTerms(null)).toEqual([
      { term: 'young_domain', points: 0, detail: 'no enrichment yet' },
      { term: 'hosting_asn', points: 0, detail: 'no enrichment yet' },
      { term: 'provider_verdicts', points: 0, detail: 'no enrichment yet' },
    ])
  })

  it('young domain: under 7 days +15, under 30 days +10, older 0, unknown 0', () => {
    expect(youngDomainTerm(signal({ domainAgeDays: 3 }))).toEqual({
      term: 'young_domain',
      points: 15,
      detail: 'domain registered 3 days ago (RDAP)',
    })
    expect(youngDomainTerm(signal({ domainAgeDays: 6.9 })).points).toBe(15)
    expect(youngDomainTerm(signal({ domainAgeDays: 7 })).points).toBe(10)
    expect(youngDomainTerm(signal({ domainAgeDays: 12 }))).toMatchObject({
      points: 10,
      detail: 'domain registered 12 days ago (RDAP)',
    })
    expect(youngDomainTerm(signal({ domainAgeDays: 30 }))).toMatchObject({
      points: 0,
      detail: 'domain registered 30 days ago (RDAP): not young',
    })
    expect(youngDomainTerm(signal({ domainAgeDays: -2 }))).toMatchObject({
      points: 15,
      detail: 'domain registered 0 days ago (RDAP)',
    })
    expect(youngDomainTerm(signal({ domainAgeDays: 1 })).detail).toBe(
      'domain registered 1 day ago (RDAP)',
    )
    expect(youngDomainTerm(signal(), 'domain')).toMatchObject({
      points: 0,
      detail: 'registration date not known (RDAP)',
    })
    expect(youngDomainTerm(signal(), 'ip')).toMatchObject({ points: 0, detail: 'not a domain' })
  })

  it('hosting ASN +3, bulletproof +12, named with the ASN and its organisation', () => {
    expect(
      hostingTerm(signal({ hosting: { kind: 'hosting', asn: 16509, org: 'AMAZON-02' } }), 0),
    ).toEqual({ term: 'hosting_asn', points: 3, detail: 'AS16509 AMAZON-02 on the hosting list' })
    expect(
      hostingTerm(signal({ hosting: { kind: 'bulletproof', asn: 9009, org: 'M247' } }), 0),
    ).toEqual({ term: 'hosting_asn', points: 12, detail: 'AS9009 M247 on the bulletproof list' })
    expect(hostingTerm(signal(), 0)).toMatchObject({ points: 0 })
  })

  it('context (young domain and hosting) adds at most 20 together, and says it was held', () => {
    const s = signal({ domainAgeDays: 2, hosting: { kind: 'bulletproof', asn: 9009, org: 'M247' } })
    const [young, hosting] = enrichmentTerms(s)
    expect(young.points).toBe(15)
    expect(hosting).toEqual({
      term: 'hosting_asn',
      points: 5,
      detail:
        'AS9009 M247 on the bulletproof list (12 held to 5: domain age and hosting add at most 20 together)',
    })
  })

  it('provider verdicts: malicious +15, two +20, suspicious +5, never past 20', () => {
    const vt = { provider: 'virustotal', level: 'malicious', summary: '45/70 engines' } as const
    const otx = { provider: 'otx', level: 'malicious', summary: '12 pulses' } as const
    const abuse = { provider: 'abuseipdb', level: 'suspicious', summary: 'confidence 40%' } as const
    expect(providerVerdictsTerm(signal({ verdicts: [vt] }))).toEqual({
      term: 'provider_verdicts',
      points: 15,
      detail: 'VirusTotal: 45/70 engines (malicious)',
    })
    expect(providerVerdictsTerm(signal({ verdicts: [vt, otx] }))).toMatchObject({
      points: 20,
      detail: 'VirusTotal: 45/70 engines (malicious); AlienVault OTX: 12 pulses (malicious)',
    })
    expect(providerVerdictsTerm(signal({ verdicts: [abuse] })).points).toBe(5)
    expect(providerVerdictsTerm(signal({ verdicts: [vt, abuse] })).points).toBe(20)
    expect(providerVerdictsTerm(signal({ verdicts: [vt, otx, abuse] })).points).toBe(20)
  })

  it('a clean verdict takes a little away, only from providers with wide coverage', () => {
    const vtClean = { provider: 'virustotal', level: 'safe', summary: '0/70 engines' } as const
    const abClean = { provider: 'abuseipdb', level: 'safe', summary: '0 reports' } as const
    const shodan = { provider: 'shodan', level: 'safe', summary: 'no open ports' } as const
    expect(providerVerdictsTerm(signal({ verdicts: [vtClean] }))).toEqual({
      term: 'provider_verdicts',
      points: -4,
      detail: 'VirusTotal: 0/70 engines (clean)',
    })
    expect(providerVerdictsTerm(signal({ verdicts: [vtClean, abClean] })).points).toBe(-8)
    expect(providerVerdictsTerm(signal({ verdicts: [shodan] }))).toEqual({
      term: 'provider_verdicts',
      points: 0,
      detail: 'no provider calls it suspicious or malicious (Shodan: safe)',
    })
    // One provider calling it malicious outweighs another's clean answer.
    const vt = { provider: 'otx', level: 'malicious', summary: '3 pulses' } as const
    expect(providerVerdictsTerm(signal({ verdicts: [vtClean, vt] })).points).toBe(15)
    expect(providerVerdictsTerm(signal())).toMatchObject({
      points: 0,
      detail: 'no provider has judged it yet',
    })
  })

  it('cuts provider text and flattens control characters in the detail', () => {
    const t = providerVerdictsTerm(
      signal({
        verdicts: [
          { provider: 'virustotal', level: 'malicious', summary: `a\u0000b\n${'x'.repeat(500)}` },
        ],
      }),
    )
    expect([...t.detail].every((c) => c.charCodeAt(0) >= 0x20)).toBe(true)
    expect(t.detail.length).toBeLessThan(160)
    expect(t.detail.startsWith('VirusTotal: a b x')).toBe(true)
  })

  it('enrichment moves a score by -8 … +40 at most', () => {
    const max = enrichmentTerms(
      signal({
        domainAgeDays: 0,
        hosting: { kind: 'bulletproof', asn: 1, org: '' },
        verdicts: [
          { provider: 'virustotal', level: 'malicious', summary: '' },
          { provider: 'otx', level: 'malicious', summary: '' },
          { provider: 'shodan', level: 'suspicious', summary: '' },
        ],
      }),
    )
    expect(max.reduce((n, t) => n + t.points, 0)).toBe(40)
    const min = enrichmentTerms(
      signal({
        domainAgeDays: 4000,
        verdicts: [
          { provider: 'virustotal', level: 'safe', summary: '' },
          { provider: 'abuseipdb', level: 'safe', summary: '' },
        ],
      }),
    )
    expect(min.reduce((n, t) => n + t.points, 0)).toBe(-8)
  })
})

describe('parseEnrichmentSignal', () => {
  it('reads what signalOf wrote', () => {
    const s = signal({
      domainAgeDays: 12,
      hosting: { kind: 'bulletproof', asn: 9009, org: 'M247' },
      verdicts: [{ provider: 'virustotal', level: 'malicious', summary: '45/70 engines' }],
    })
    expect(parseEnrichmentSignal(JSON.stringify(s))).toEqual(s)
  })

  it('reads hostile or foreign content as no signal, or drops the parts that are not one', () => {
    expect(parseEnrichmentSignal(null)).toBeNull()
    expect(parseEnrichmentSignal('')).toBeNull()
    expect(parseEnrichmentSignal('not json')).toBeNull()
    expect(parseEnrichmentSignal('[1,2]')).toBeNull()
    expect(parseEnrichmentSignal('42')).toBeNull()
    expect(
      parseEnrichmentSignal(
        JSON.stringify({
          domainAgeDays: 'young',
          hosting: { kind: 'cheap', asn: 1 },
          verdicts: [
            { provider: 'nobody', level: 'malicious' },
            { provider: 'otx', level: 'evil' },
            { provider: 'otx', level: 'suspicious', summary: 7 },
          ],
        }),
      ),
    ).toEqual(signal({ verdicts: [{ provider: 'otx', level: 'suspicious', summary: '' }] }))
  })
})
