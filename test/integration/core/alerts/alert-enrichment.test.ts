import { afterEach, describe, expect, it } from 'vitest'
import type { EnrichmentFinding, ProviderId } from '#shared/contract/enrichment.schemas'
import { signalOf } from '#core/enrichment/enrichment-signal'
import { createScoringService } from '#core/scoring/scoring.service'
import { openTestCore, type TestCore } from '../db/core-fixture'

// Alerts from enrichment, on a real core: the engine writes results and indicators.enrichment_signal (done
// here with SQL, as the engine would), rescores the indicators, then asks the alert rules
// (alerts.evaluateEnrichment): an enrichment_verdict rule fires on a provider's verdict, a score rule on a
// score enrichment raised.

let t: TestCore
afterEach(async () => t?.dispose())

const verdict = (provider: ProviderId, level: EnrichmentFinding['level'], summary: string) => ({
  provider,
  finding: { level, summary, tags: [], facts: [] } satisfies EnrichmentFinding,
})

const writeSignal = (id: string, json: string | null) =>
  t.core.db.writes.run('test.enrichment-signal', () => {
    t.core.db.sqlite
      .prepare('UPDATE indicators SET enrichment_signal = ?, updated_at = ? WHERE id = ?')
      .run(json, t.clock.now().toISOString(), id)
  })
const signal = (results: Parameters<typeof signalOf>[0]) => JSON.stringify(signalOf(results))

const setup = async () => {
  t = await openTestCore()
  const scoring = createScoringService({ ...t.core, jobs: t.core.jobs })
  const c2 = await t.core.call('indicators.create', { value: 'evil-c2.net' })
  const ip = await t.core.call('indicators.create', { value: '45.155.205.7' })
  await t.core.waitForIdle()
  const after = async (ids: string[], scanJobId: string | null = null) => {
    t.clock.advance(1000)
    await scoring.rescoreIndicators(ids)
    return t.core.alerts.evaluateEnrichment(ids, { scanJobId })
  }
  return { c2, ip, after }
}

const alertsOf = async (ruleId: string) =>
  (await t.core.call('alerts.list', { filter: { ruleId }, limit: 100 })).items

describe('alerts from enrichment', () => {
  it('a provider calling an indicator malicious raises an alert, and so does the score it moved', async () => {
    const { c2, ip, after } = await setup()
    const base = (await t.core.call('indicators.getScore', { id: c2.id })).baseScore
    const malicious = await t.core.call('alerts.createRule', {
      name: 'Provider says malicious',
      condition: { kind: 'enrichment_verdict', minLevel: 'malicious' },
    })
    expect(malicious.condition).toEqual({
      kind: 'enrichment_verdict',
      minLevel: 'malicious',
      minProviders: 1,
    })
    const score = await t.core.call('alerts.createRule', {
      name: 'Score up',
      condition: { kind: 'score', minScore: base + 10 },
    })
    await writeSignal(c2.id, signal([verdict('virustotal', 'malicious', '45/70 engines')]))
    await writeSignal(ip.id, signal([verdict('abuseipdb', 'suspicious', 'confidence 40%')]))

    const scanJobId = '00000000-0000-4000-8000-0000000005ca'
    expect(await after([c2.id, ip.id], scanJobId)).toBe(2)
    const [alert] = await alertsOf(malicious.id)
    expect(alert).toMatchObject({
      title: 'Provider says malicious: domain evil-c2.net',
      indicatorId: c2.id,
      status: 'open',
      triggeredBy: {
        via: { kind: 'enrichment', scanJobId },
        matched: {
          value: 'evil-c2.net',
          enrichment: [{ provider: 'virustotal', level: 'malicious', summary: '45/70 engines' }],
        },
      },
    })
    // The suspicious address moved by 5: under the score rule's bar, and not malicious.
    expect((await alertsOf(score.id)).map((a) => a.indicatorId)).toEqual([c2.id])
    expect(await alertsOf(malicious.id)).toHaveLength(1)

    // Asked again for the same writes: nothing new, nothing counted twice.
    expect(await t.core.alerts.evaluateEnrichment([c2.id, ip.id])).toBe(0)
    expect((await alertsOf(malicious.id))[0]?.triggerCount).toBe(1)
    const log = await t.core.call('audit.list', { operation: 'trigger', limit: 10 })
    expect(log.items[0]?.changes).toMatchObject({
      created: 2,
      via: { kind: 'enrichment', scanJobId },
    })
  })

  it('suspicious or worse, from at least N providers', async () => {
    const { c2, ip, after } = await setup()
    const two = await t.core.call('alerts.createRule', {
      name: 'Two providers',
      condition: { kind: 'enrichment_verdict', minLevel: 'suspicious', minProviders: 2 },
    })
    await writeSignal(ip.id, signal([verdict('abuseipdb', 'suspicious', 'confidence 40%')]))
    await writeSignal(
      c2.id,
      signal([
        verdict('virustotal', 'safe', '0/70 engines'),
        verdict('otx', 'malicious', '3 pulses'),
      ]),
    )
    expect(await after([c2.id, ip.id])).toBe(0)
    await writeSignal(
      ip.id,
      signal([
        verdict('abuseipdb', 'suspicious', 'confidence 40%'),
        verdict('otx', 'malicious', '12 pulses'),
      ]),
    )
    expect(await after([ip.id])).toBe(1)
    expect((await alertsOf(two.id)).map((a) => a.indicatorId)).toEqual([ip.id])
  })

  it('a signal that is not JSON matches nothing and fails no one else', async () => {
    const { c2, ip, after } = await setup()
    const r = await t.core.call('alerts.createRule', {
      name: 'Malicious',
      condition: { kind: 'enrichment_verdict', minLevel: 'malicious' },
    })
    await writeSignal(c2.id, '{"verdicts": [oops')
    await writeSignal(
      ip.id,
      JSON.stringify({ verdicts: ['malicious', 7, { provider: 'otx', level: 'malicious' }] }),
    )
    expect(await after([c2.id, ip.id])).toBe(1)
    expect((await alertsOf(r.id)).map((a) => a.indicatorId)).toEqual([ip.id])
  })

  it('a false positive raises nothing, whatever the providers say', async () => {
    const { c2, after } = await setup()
    await t.core.call('alerts.createRule', {
      name: 'Malicious',
      condition: { kind: 'enrichment_verdict', minLevel: 'malicious' },
    })
    await t.core.call('indicators.markFalsePositive', { id: c2.id, falsePositive: true })
    await writeSignal(c2.id, signal([verdict('virustotal', 'malicious', '45/70 engines')]))
    expect(await after([c2.id])).toBe(0)
  })

  it('rejects a rule with a level it does not know, naming the field', async () => {
    t = await openTestCore()
    await expect(
      t.core.call('alerts.createRule', {
        name: 'Bad',
        condition: { kind: 'enrichment_verdict', minLevel: 'safe' as 'malicious' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('minLevel') })
  })
})
