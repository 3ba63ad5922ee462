import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Job } from '#shared/contract/jobs.contract'
import type { createFixedClock } from '#core/platform/clock'
import { RESCORE_CHUNK } from '#core/scoring/scoring.service'
import { openCore, type TestCore } from '../../../support/test-core'

let t: TestCore<ReturnType<typeof createFixedClock>>
beforeEach(async () => {
  t = await openCore()
})
afterEach(() => t.dispose())

const ROWS = RESCORE_CHUNK * 2 + 500

/**
 * `rows` public addresses from 45.155.0.0 up, imported in one bulkCreate. No built-in warninglist matches
 * them (private ranges like 10/8 would), so their scores carry no warninglist term.
 */
const seed = async (rows = ROWS) => {
  const lines: string[] = []
  for (let i = 0; i < rows; i++) lines.push(`45.${155 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`)
  const r = await t.core.call('indicators.bulkCreate', { text: lines.join('\n') })
  expect(r.created).toBe(rows)
}

const scoredAtCount = (iso: string) =>
  t.core.db.sqlite.prepare('SELECT count(*) FROM indicators WHERE scored_at = ?').pluck().get(iso)

describe('scoring.rescore', () => {
  it('runs as a job over every indicator, with progress, and records itself once', async () => {
    await seed()
    t.clock.advance(60_000)
    const progress: Job[] = []
    const off = t.core.events.on('jobs.onDidProgress', ({ job }) => progress.push(job))
    const job = await t.core.call('scoring.rescore', { filter: {} })
    expect(job.kind).toBe('scoring.rescore')
    expect(['queued', 'running']).toContain(job.status)
    const done = await t.core.jobs.settled(job.id)
    off()
    expect(done).toMatchObject({
      status: 'succeeded',
      result: { scored: ROWS, expired: 0 },
      progress: { done: ROWS, total: ROWS },
    })
    // Followers hear it start (and, throttled, its progress): the total is known once it counted.
    expect(progress.length).toBeGreaterThan(0)
    expect(
      progress.filter((p) => p.progress.done > 0).every((p) => p.progress.total === ROWS),
    ).toBe(true)
    expect(scoredAtCount(t.clock.now().toISOString())).toBe(ROWS)
    const entries = (await t.core.call('audit.list', { operation: 'rescore', limit: 10 })).items
    expect(entries).toHaveLength(1)
    expect(entries[0]?.changes).toMatchObject({ scored: ROWS, cancelled: false })
  })

  it('takes a filter', async () => {
    await seed()
    await t.core.call('indicators.create', { value: 'filtered.example' })
    t.clock.advance(60_000)
    const job = await t.core.call('scoring.rescore', { filter: { type: 'domain' } })
    expect((await t.core.jobs.settled(job.id)).result).toMatchObject({ scored: 1 })
    expect(scoredAtCount(t.clock.now().toISOString())).toBe(1)
  })

  it('stops when cancelled, keeping what it committed', async () => {
    // Progress events are throttled (JOB_PROGRESS_INTERVAL_MS), so the first one after a chunk may come
    // an interval later: enough chunks that the walk is still going when it does.
    const rows = RESCORE_CHUNK * 12
    await seed(rows)
    t.clock.advance(60_000)
    const job = await t.core.call('scoring.rescore', { filter: {} })
    // Cancelled as soon as the first chunk is written: the rest is never touched.
    const firstChunk = new Promise<void>((resolve) => {
      const off = t.core.events.on('jobs.onDidProgress', ({ job: j }) => {
        if (j.id === job.id && j.progress.done > 0) {
          off()
          resolve()
        }
      })
    })
    const cancelled = Promise.race([firstChunk, t.core.jobs.settled(job.id)]).then(() =>
      t.core.call('jobs.cancel', { id: job.id }).catch(() => null),
    )
    await cancelled
    const done = await t.core.jobs.settled(job.id)
    expect(done.status).toBe('cancelled')
    expect(done.error?.code).toBe('cancelled')
    const rescored = scoredAtCount(t.clock.now().toISOString()) as number
    expect(rescored).toBeGreaterThan(0)
    expect(rescored).toBeLessThan(rows)
    const [entry] = (await t.core.call('audit.list', { operation: 'rescore', limit: 1 })).items
    expect(entry?.changes).toMatchObject({ cancelled: true, scored: rescored })
  })
})

describe('scoring settings', () => {
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a refusal')
      },
      (e: unknown) => e as { code: string; message: string },
    )

  it('refuses thresholds out of order, naming the field', async () => {
    const e = await errorOf(
      t.core.call('settings.update', {
        patch: { riskThresholds: { low: 20, medium: 10, high: 60, critical: 80 } },
      }),
    )
    expect(e.code).toBe('invalid_input')
    expect(e.message).toContain('patch.riskThresholds.medium')
    expect(e.message).toContain('medium (10) must be above low (20)')
  })

  it('refuses a decay lifetime out of range, naming the type', async () => {
    const settings = await t.core.call('settings.get', {})
    const e = await errorOf(
      t.core.call('settings.update', {
        patch: {
          decay: {
            ...settings.decay,
            byType: { ...settings.decay.byType, ip: { lifetimeDays: 0, speed: 1 } },
          },
        },
      }),
    )
    expect(e.code).toBe('invalid_input')
    expect(e.message).toContain('patch.decay.byType.ip.lifetimeDays')
  })

  it("has OpenCTI's defaults, and new bands apply to the next scores", async () => {
    const s = await t.core.call('settings.get', {})
    expect(s.riskThresholds).toEqual({ low: 20, medium: 40, high: 60, critical: 80 })
    expect(s.decay.byType).toMatchObject({
      ip: { lifetimeDays: 47 },
      url: { lifetimeDays: 47 },
      domain: { lifetimeDays: 300 },
      sha256: { lifetimeDays: 460 },
    })
    expect(s.decay.revokeScore).toBe(20)
    const i = await t.core.call('indicators.create', { value: 'login-verify.top' })
    expect(i.riskLevel).toBe('low')
    await t.core.call('settings.update', {
      patch: { riskThresholds: { low: 5, medium: 10, high: 15, critical: 25 } },
    })
    const job = await t.core.call('scoring.rescore', { filter: {} })
    await t.core.jobs.settled(job.id)
    expect((await t.core.call('indicators.get', { id: i.id })).riskLevel).toBe('critical')
  })
})
