import { describe, expect, it } from 'vitest'
import type { ProviderInfo, ScanJob } from '#shared/contract/enrichment.schemas'
import {
  durationText,
  factText,
  scanJobProgress,
  skipText,
} from '../../../../../src/renderer/src/views/indicators/enrichment-format'

const settings = {
  enabled: true,
  maxTlp: 'green',
  rateLimit: { perMinute: 4, perDay: 500 },
  cacheTtlHours: 24,
} as const

const virustotal: ProviderInfo = {
  id: 'virustotal',
  label: 'VirusTotal',
  network: true,
  accepts: ['ip'],
  needsKey: true,
  hasKey: true,
  defaults: settings,
  settings,
  reliability: 'B',
  used: { minute: 0, day: 0 },
  source: 'https://www.virustotal.com/api/v3',
  docsUrl: null,
}

describe('skipText', () => {
  it("names the indicator's TLP against the provider's ceiling", () => {
    expect(
      skipText({ provider: 'virustotal', skipReason: 'tlp', message: 'x' }, 'amber', [virustotal]),
    ).toBe('not sent: TLP:AMBER is above VirusTotal’s ceiling TLP:GREEN')
  })

  it("falls back to the core's words, then to the reason's", () => {
    expect(
      skipText({ provider: 'virustotal', skipReason: 'tlp', message: 'core words' }, 'amber', null),
    ).toBe('core words')
    expect(skipText({ provider: 'shodan', skipReason: 'no-key', message: null }, 'clear', [])).toBe(
      'not sent: the provider needs an API key',
    )
    expect(
      skipText({ provider: 'shodan', skipReason: 'budget', message: 'y'.repeat(400) }, null, null),
    ).toHaveLength(301)
  })
})

describe('factText', () => {
  it('keeps identifiers as written and words booleans and nothing', () => {
    expect(factText(208677)).toBe('208677')
    expect(factText(59.94)).toBe('59.94')
    expect(factText(true)).toBe('yes')
    expect(factText(false)).toBe('no')
    expect(factText(null)).toBe('—')
    expect(factText('<b>x</b>')).toBe('<b>x</b>')
    expect(factText('z'.repeat(600))).toHaveLength(501)
  })
})

describe('scan job words', () => {
  const job: ScanJob = {
    id: '00000000-0000-4000-8000-000000000001',
    type: 'enrichment',
    status: 'running',
    target: '3 indicators',
    providers: ['geoip'],
    actor: 'analyst',
    indicatorsTotal: 1200,
    indicatorsProcessed: 40,
    newThreats: 1,
    alertsTriggered: 2,
    errors: 0,
    errorSamples: [],
    createdAt: '2025-11-21T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
  }

  it('says how far a job got and what it found', () => {
    expect(scanJobProgress(job)).toBe('40 of 1,200 indicators, 1 new threat, 2 alerts')
    expect(scanJobProgress({ ...job, indicatorsTotal: null, newThreats: 0, errors: 3 })).toBe(
      '40 indicators, 2 alerts, 3 errors',
    )
  })

  it('says how long it took', () => {
    expect(durationText(null)).toBe('—')
    expect(durationText(250)).toBe('250 ms')
    expect(durationText(12_340)).toBe('12.3 s')
    expect(durationText(125_000)).toBe('2 min 5 s')
  })
})
