import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ScoreBreakdown } from '#shared/contract/scoring.schemas'
import { createFixedClock } from '#core/platform/clock'
import { openCore, type TestCore } from '../../../support/test-core'

const DAY = 86_400_000

let t: TestCore<ReturnType<typeof createFixedClock>>
beforeEach(async () => {
  t = await openCore()
})
afterEach(() => t.dispose())

/** A feed over a local list file, with its admiralty grade. */
const feed = async (name: string, reliability: 'A' | 'C', lines: string[]) => {
  const path = join(t.dir, `${name}.txt`)
  writeFileSync(path, `${lines.join('\n')}\n`)
  return t.core.call('feeds.create', { name, format: 'text', path, reliability })
}
const run = (id: string) => t.core.call('feeds.run', { id, wait: true })
const lookup = async (value: string) => {
  const i = await t.core.call('indicators.lookup', { value })
  if (i === null) throw new Error(`${value} is not stored`)
  return i
}
const term = (b: ScoreBreakdown, name: string) => b.terms.find((x) => x.term === name)

// The values below are ones no built-in warninglist matches (documentation networks, private ranges and
// the empty-file hashes would), so no warninglist term lowers the scores these tests reason about.

describe('score at ingest', () => {
  it('a fresh import already has explained scores; a second run of the feed restarts the clock', async () => {
    const f = await feed('grade-a', 'A', ['45.155.205.7', '91.92.240.9'])
    await run(f.id)
    const i = await lookup('45.155.205.7')
    const first = await t.core.call('indicators.getScore', { id: i.id })
    expect(term(first, 'source_reliability')).toMatchObject({
      points: 35,
      detail: 'best source reliability A (completely reliable)',
    })
    expect(term(first, 'sources')).toMatchObject({ points: 0, detail: 'reported by 1 source' })
    expect(term(first, 'url_analysis')).toEqual({
      term: 'url_analysis',
      points: 0,
      detail: 'not analysed',
    })
    for (const name of ['young_domain', 'hosting_asn', 'provider_verdicts']) {
      expect(term(first, name)).toEqual({ term: name, points: 0, detail: 'no enrichment yet' })
    }
    expect(first.baseScore).toBe(first.terms.reduce((n, x) => n + x.points, 0))
    expect(first).toMatchObject({
      score: first.baseScore,
      riskDecidedBy: 'score',
      decayFrom: t.clock.now().toISOString(),
      scoredAt: t.clock.now().toISOString(),
      expired: false,
      decay: { lifetimeDays: 47, revokeScore: 20 },
    })
    expect(i.score).toBe(first.baseScore)

    t.clock.advance(20 * DAY)
    const aged = await t.core.call('indicators.getScore', { id: i.id })
    expect(aged.score).toBeLessThan(first.baseScore)
    expect(aged.baseScore).toBe(first.baseScore)

    // The feed still lists it: a source observed it again, the clock starts over.
    await run(f.id)
    const again = await t.core.call('indicators.getScore', { id: i.id })
    expect(again.decayFrom).toBe(t.clock.now().toISOString())
    expect(again.score).toBe(first.baseScore)
    expect((await lookup('45.155.205.7')).score).toBe(first.baseScore)
  })

  it('a second, independent source adds its term; the best grade counts', async () => {
    await run((await feed('grade-c', 'C', ['45.155.205.8'])).id)
    const before = await t.core.call('indicators.getScore', {
      id: (await lookup('45.155.205.8')).id,
    })
    expect(term(before, 'source_reliability')?.points).toBe(20)
    await run((await feed('grade-a', 'A', ['45.155.205.8'])).id)
    const after = await t.core.call('indicators.getScore', { id: before.id })
    expect(term(after, 'sources')).toMatchObject({
      points: 12,
      detail: 'reported by 2 independent sources',
    })
    expect(term(after, 'source_reliability')?.points).toBe(35)
    expect(after.baseScore).toBeGreaterThan(before.baseScore)
  })

  it("an analyst's severity decides the risk level, and the breakdown says so", async () => {
    await run((await feed('grade-a', 'A', ['45.155.205.9'])).id)
    const i = await lookup('45.155.205.9')
    const updated = await t.core.call('indicators.update', {
      id: i.id,
      patch: { severity: 'info' },
    })
    const b = await t.core.call('indicators.getScore', { id: i.id })
    expect(term(b, 'analyst_severity')).toMatchObject({ points: -20 })
    expect(b).toMatchObject({ riskLevel: 'safe', riskDecidedBy: 'severity' })
    expect(b.riskReason).toMatch(/decided by the analyst's severity|agree/)
    expect(updated.riskLevel).toBe('safe')
    // A later run of the feed keeps the analyst's word.
    t.clock.advance(DAY)
    await run((await t.core.call('feeds.list', {})).items[0]?.id ?? '')
    expect((await lookup('45.155.205.9')).riskLevel).toBe('safe')
  })
})

describe('verdicts', () => {
  it('true positive raises and restarts the clock; false positive marks and holds low; null clears', async () => {
    const f = await feed('grade-c', 'C', ['91.92.240.20'])
    await run(f.id)
    const i = await lookup('91.92.240.20')
    const base = (await t.core.call('indicators.getScore', { id: i.id })).baseScore
    t.clock.advance(10 * DAY)
    const tp = await t.core.call('indicators.setVerdict', { id: i.id, verdict: 'true_positive' })
    expect(term(tp, 'analyst_verdict')?.points).toBe(25)
    expect(tp).toMatchObject({
      verdict: 'true_positive',
      verdictAt: t.clock.now().toISOString(),
      decayFrom: t.clock.now().toISOString(),
      baseScore: Math.min(100, base + 25),
    })

    const fp = await t.core.call('indicators.setVerdict', {
      id: i.id,
      verdict: 'false_positive',
      reason: 'our scanner',
    })
    expect(fp.baseScore).toBeLessThanOrEqual(10)
    expect(fp.riskLevel).toBe('safe')
    expect(await lookup('91.92.240.20')).toMatchObject({ falsePositive: true, active: false })
    const log = (await t.core.call('audit.list', { entityId: i.id, limit: 10 })).items
    // A false positive also goes on the false-positive allowlist, so the value is not raised again.
    expect(log.map((e) => `${e.entity}.${e.operation}`).slice(0, 4)).toEqual([
      'indicator.set_verdict',
      'allowlist.create',
      'indicator.mark_false_positive',
      'indicator.set_verdict',
    ])
    expect(log[1]?.changes).toMatchObject({ value: '91.92.240.20', reason: 'our scanner' })
    expect(log[2]?.changes).toMatchObject({ reason: 'our scanner' })

    const cleared = await t.core.call('indicators.setVerdict', { id: i.id, verdict: null })
    expect(cleared.verdict).toBeNull()
    expect((await lookup('91.92.240.20')).falsePositive).toBe(false)
    expect(cleared.baseScore).toBe(base)
  })

  it('answers not_found for an unknown indicator', async () => {
    await expect(
      t.core.call('indicators.setVerdict', {
        id: '00000000-0000-4000-8000-000000000001',
        verdict: 'true_positive',
      }),
    ).rejects.toMatchObject({ code: 'not_found' })
  })
})

describe('decay sweep', () => {
  it('marks the expired and keeps them', async () => {
    await run((await feed('grade-a', 'A', ['45.155.205.30'])).id)
    const bulk = await t.core.call('indicators.bulkCreate', {
      text: '43b6eca3be5512e5d364fd1c3bd0a13af1d6877b1833bdb25810fa7b33507ee7\n',
    })
    expect(bulk.created).toBe(1)
    t.clock.advance(60 * DAY)
    await t.core.start()
    await t.core.waitForIdle()
    const ip = await lookup('45.155.205.30')
    expect(ip).toMatchObject({ expired: true, riskLevel: 'safe' })
    // A hash lives 460 days.
    const hash = await lookup('43b6eca3be5512e5d364fd1c3bd0a13af1d6877b1833bdb25810fa7b33507ee7')
    expect(hash.expired).toBe(false)
    const entry = (await t.core.call('audit.list', { operation: 'rescore', limit: 1 })).items[0]
    expect(entry).toMatchObject({ actor: 'scheduler', changes: { decay: true, expired: 1 } })
  })
})
