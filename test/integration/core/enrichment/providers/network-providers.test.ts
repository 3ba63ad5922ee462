import { describe, expect, it } from 'vitest'
import {
  EnrichmentFindingSchema,
  NETWORK_PROVIDERS,
  ProviderSettingsSchema,
} from '#shared/contract/enrichment.schemas'
import { IOC_TYPES } from '#shared/domain/enums'
import {
  isProviderError,
  type HttpProvider,
  type LookupSubject,
} from '#core/enrichment/provider-types'
import { createNetworkProviders } from '#core/enrichment/providers/index'
import { ENRICHMENT_FIXTURES, readFixture } from '../../../../support/enrichment-fixture-server'
import { reply, subject } from './provider-test-support'

const providers = createNetworkProviders({ now: () => Date.parse('2026-12-03T10:15:00Z') })
const http = providers.filter((p): p is HttpProvider => p.kind === 'http')

describe('the network providers', () => {
  it('are the contract network providers, in its order, each with valid documented defaults', () => {
    expect(providers.map((p) => p.id)).toEqual([...NETWORK_PROVIDERS])
    for (const p of providers) {
      expect(ProviderSettingsSchema.parse(p.defaults)).toEqual(p.defaults)
      // Offline-first: nothing leaves the machine until the analyst switches a provider on.
      expect(p.defaults.enabled).toBe(false)
      expect(['clear', 'green', 'amber']).toContain(p.defaults.maxTlp)
      expect(p.docsUrl).toMatch(/^https:\/\//)
      expect(p.accepts.length).toBeGreaterThan(0)
      for (const t of p.accepts) expect(IOC_TYPES).toContain(t)
    }
    expect(http.map((p) => [p.id, p.needsKey])).toEqual([
      ['rdap', false],
      ['virustotal', true],
      ['abuseipdb', true],
      ['otx', true],
      ['shodan', true],
    ])
  })

  // Hostile answers: whatever JSON a service (or something posing as it) sends, parse returns a finding
  // the schema accepts or throws ProviderError('bad-response'); never a TypeError, never an unbounded finding.
  it('survive any JSON: a valid finding or a bad-response error, nothing else', () => {
    let seed = 12345
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const junk = (depth: number): unknown => {
      const r = rand()
      if (depth <= 0 || r < 0.3) {
        return [null, true, -1, 1e308, 'x'.repeat(Math.floor(rand() * 5000)), '2026-01-01', 0][
          Math.floor(rand() * 7)
        ]
      }
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => junk(depth - 1))
      const keys = [
        'data',
        'attributes',
        'last_analysis_stats',
        'malicious',
        'pulse_info',
        'count',
        'pulses',
        'ports',
        'vulns',
        'objectClassName',
        'events',
        'entities',
        'startAddress',
        'endAddress',
        'abuseConfidenceScore',
        'totalReports',
        'error',
        'tags',
        'vcardArray',
        'validation',
      ]
      return Object.fromEntries(
        Array.from({ length: Math.floor(rand() * 6) }, () => [
          keys[Math.floor(rand() * keys.length)] ?? 'k',
          junk(depth - 1),
        ]),
      )
    }
    // Start from every real fixture and corrupt one path at a time, plus pure junk.
    const bodies: unknown[] = []
    for (const [provider, files] of Object.entries(ENRICHMENT_FIXTURES)) {
      for (const file of new Set(Object.values(files))) bodies.push(readFixture(provider, file))
    }
    for (let i = 0; i < 300; i++) bodies.push(junk(5))
    const subjects: Record<string, LookupSubject> = {
      rdap: subject('domain', 'evil-c2.net'),
      virustotal: subject('ip', '45.155.205.233'),
      abuseipdb: subject('ip', '45.155.205.233'),
      otx: subject('ip', '45.155.205.233'),
      shodan: subject('ip', '45.155.205.233'),
    }
    let parsed = 0
    let rejected = 0
    for (const p of http) {
      for (const body of bodies) {
        for (const status of [200, ...p.notFoundStatuses]) {
          try {
            const a = p.parse(
              reply(body, status),
              subjects[p.id] ?? subject('ip', '45.155.205.233'),
            )
            expect(EnrichmentFindingSchema.parse(a.finding)).toEqual(a.finding)
            parsed++
          } catch (e) {
            if (!isProviderError(e) || e.code !== 'bad-response') throw e
            expect(e.message).toMatch(new RegExp(`^${p.id}: `))
            rejected++
          }
        }
      }
    }
    expect(parsed).toBeGreaterThan(10)
    expect(rejected).toBeGreaterThan(100)
  })

  it('bound what a huge answer turns into', () => {
    const vt = http.find((p) => p.id === 'virustotal')
    const stats = { malicious: 0, suspicious: 0, harmless: 1, undetected: 1 }
    const a = vt?.parse(
      reply({
        data: {
          attributes: {
            last_analysis_stats: stats,
            tags: Array.from({ length: 5000 }, (_, i) => `t${i}${'x'.repeat(500)}`),
          },
        },
      }),
      subject('ip', '45.155.205.233'),
    )
    expect(a?.finding.tags.length).toBe(50)
    expect(Math.max(...(a?.finding.tags ?? []).map((t) => t.length))).toBe(100)
    const shodan = http.find((p) => p.id === 'shodan')
    const s = shodan?.parse(
      reply({
        ports: Array.from({ length: 70_000 }, (_, i) => i),
        hostnames: ['h'.repeat(10_000)],
      }),
      subject('ip', '45.155.205.233'),
    )
    expect(EnrichmentFindingSchema.parse(s?.finding)).toEqual(s?.finding)
  })
})
