import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EnrichmentFinding } from '#shared/contract/enrichment.schemas'
import type { ScoreBreakdown } from '#shared/contract/scoring.schemas'
import { signalOf } from '#core/enrichment/enrichment-signal'
import type { createFixedClock } from '#core/platform/clock'
import { createScoringService } from '#core/scoring/scoring.service'
import { openCore, type TestCore } from '../../../support/test-core'

let t: TestCore<ReturnType<typeof createFixedClock>>
beforeEach(async () => {
  t = await openCore()
})
afterEach(() => t.dispose())

const finding = (
  level: EnrichmentFinding['level'],
  summary: string,
  facts: EnrichmentFinding['facts'] = [],
): EnrichmentFinding => ({ level, summary, tags: [], facts })

/** What the engine writes with an indicator's results: signalOf of its done results, as JSON. */
const writeSignal = (id: string, results: Parameters<typeof signalOf>[0]) => {
  const s = signalOf(results)
  t.core.db.sqlite
    .prepare('UPDATE indicators SET enrichment_signal = ? WHERE id = ?')
    .run(s === null ? null : JSON.stringify(s), id)
}

const RESULTS: Parameters<typeof signalOf>[0] = [
  {
    provider: 'rdap',
    finding: finding('info', 'registered by NameCheap', [
      { key: 'registrar', label: 'Registrar', value: 'NameCheap, Inc.' },
      { key: 'domainAgeDays', label: 'Domain age', value: 12 },
    ]),
  },
  {
    provider: 'asn',
    finding: finding('info', 'AS9009 M247', [
      { key: 'asn', label: 'ASN', value: 9009 },
      { key: 'asOrg', label: 'Organisation', value: 'M247' },
      { key: 'hostingKind', label: 'Hosting', value: 'bulletproof' },
    ]),
  },
  {
    provider: 'virustotal',
    finding: finding('malicious', '45/70 engines', [
      { key: 'detections', label: 'Detections', value: '45/70' },
    ]),
  },
]

const term = (b: ScoreBreakdown, name: string) => b.terms.find((x) => x.term === name)
const scoring = () => createScoringService({ ...t.core, jobs: t.core.jobs })

describe('enrichment in the score', () => {
  it('rescoring an indicator whose signal changed moves its score and risk, with named terms', async () => {
    const i = await t.core.call('indicators.create', { value: 'evil-c2.net' })
    const before = await t.core.call('indicators.getScore', { id: i.id })
    expect(term(before, 'provider_verdicts')).toMatchObject({
      points: 0,
      detail: 'no enrichment yet',
    })

    writeSignal(i.id, RESULTS)
    const missing = '00000000-0000-4000-8000-000000000000'
    t.clock.advance(1000)
    const r = await scoring().rescoreIndicators([i.id, missing])
    expect(r).toEqual({ scored: 1, changedIds: [i.id], missingIds: [missing] })

    const after = await t.core.call('indicators.getScore', { id: i.id })
    expect(term(after, 'young_domain')).toEqual({
      term: 'young_domain',
      points: 10,
      detail: 'domain registered 12 days ago (RDAP)',
    })
    expect(term(after, 'hosting_asn')).toEqual({
      term: 'hosting_asn',
      points: 10,
      detail:
        'AS9009 M247 on the bulletproof list (12 held to 10: domain age and hosting add at most 20 together)',
    })
    expect(term(after, 'provider_verdicts')).toEqual({
      term: 'provider_verdicts',
      points: 15,
      detail: 'VirusTotal: 45/70 engines (malicious)',
    })
    expect(after.baseScore).toBe(before.baseScore + 35)
    expect(after.baseScore).toBe(after.terms.reduce((n, x) => n + x.points, 0))
    const stored = await t.core.call('indicators.get', { id: i.id })
    expect(stored.score).toBe(after.score)
    expect(stored.riskLevel).toBe(after.riskLevel)
    expect(stored.riskLevel).not.toBe(before.riskLevel)

    // The signal cleared (results deleted): the terms go back to none.
    writeSignal(i.id, [])
    expect(await scoring().rescoreIndicators([i.id])).toMatchObject({ changedIds: [i.id] })
    const cleared = await t.core.call('indicators.getScore', { id: i.id })
    expect(cleared.baseScore).toBe(before.baseScore)
    expect(term(cleared, 'young_domain')?.detail).toBe('no enrichment yet')
  })

  it('a feed reporting an enriched indicator again keeps the enrichment terms (bulk writer)', async () => {
    const path = join(t.dir, 'list.txt')
    writeFileSync(path, 'evil-c2.net\n')
    const f = await t.core.call('feeds.create', {
      name: 'c2',
      format: 'text',
      path,
      reliability: 'C',
    })
    await t.core.call('feeds.run', { id: f.id, wait: true })
    const i = await t.core.call('indicators.lookup', { value: 'evil-c2.net' })
    if (i === null) throw new Error('evil-c2.net was not imported')
    const plain = await t.core.call('indicators.getScore', { id: i.id })
    writeSignal(i.id, RESULTS.slice(2))
    await scoring().rescoreIndicators([i.id])
    const enriched = await t.core.call('indicators.getScore', { id: i.id })
    expect(enriched.baseScore).toBe(plain.baseScore + 15)

    t.clock.advance(3_600_000)
    await t.core.call('feeds.run', { id: f.id, wait: true })
    const again = await t.core.call('indicators.getScore', { id: i.id })
    expect(again.decayFrom).toBe(t.clock.now().toISOString())
    expect(again.baseScore).toBe(enriched.baseScore)
    expect(term(again, 'provider_verdicts')).toMatchObject({
      points: 15,
      detail: 'VirusTotal: 45/70 engines (malicious)',
    })
  })

  it('a breakdown stored before the enrichment terms lists them, not counted until rescored', async () => {
    const i = await t.core.call('indicators.create', { value: 'evil-c2.net' })
    const db = t.core.db.sqlite
    // The breakdown as stored before issue 12: twelve positions, the eighth the placeholder at 0.
    db.prepare('UPDATE indicators SET score_terms = ? WHERE id = ?').run(
      JSON.stringify({ v: 2, p: [28, 0, 0, 0, 0, 0, 0, 0, 0, null, null, 0], f: {} }),
      i.id,
    )
    writeSignal(i.id, RESULTS.slice(1))
    const b = await t.core.call('indicators.getScore', { id: i.id })
    expect(b.terms.map((x) => x.term)).toEqual(
      expect.arrayContaining(['young_domain', 'hosting_asn', 'provider_verdicts']),
    )
    expect(term(b, 'hosting_asn')).toEqual({
      term: 'hosting_asn',
      points: 0,
      detail: 'AS9009 M247 on the bulletproof list (not counted yet: not rescored since)',
    })
    expect(term(b, 'young_domain')).toMatchObject({ points: 0 })
  })
})
