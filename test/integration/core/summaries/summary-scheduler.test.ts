import { rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createFixedClock } from '#core/platform/clock'
import { createMemoryLogger } from '#core/platform/logger'
import {
  SCHEDULER_RECHECK_MS,
  createSummaryScheduler,
  type SummaryTimers,
} from '#core/summaries/summary-scheduler'
import { openCore, type TestCore } from '../../../support/test-core'

const cores: TestCore[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.core.stop()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const open = async (at: string, dir?: string, start = false) => {
  const t = await openCore({ clock: createFixedClock(at), dir, start })
  cores.push(t)
  if (dir === undefined) dirs.push(t.dir)
  return t
}

const periods = async (t: TestCore) =>
  (await t.core.call('summaries.list', {})).items
    .map((r) => `${r.type} ${r.rangeStart.slice(0, 10)} ${r.trigger} ${r.status}`)
    .sort()

// 2026-12-03 is a Thursday; 2026-12-07 a Monday.
describe('the summary schedule', () => {
  it('makes nothing while off, and nothing for a time due before it was turned on', async () => {
    const t = await open('2026-12-03T10:00:00.000Z')
    expect(await t.core.summaryScheduler.check()).toEqual([])
    const view = await t.core.call('summaries.setSchedule', {
      daily: { enabled: true, time: '06:00' },
      weekly: { enabled: true, weekday: 1, time: '06:30' },
    })
    expect(view).toMatchObject({
      daily: { enabled: true, time: '06:00' },
      weekly: { enabled: true, weekday: 1, time: '06:30' },
      nextDaily: '2026-12-04T06:00:00.000Z',
      nextWeekly: '2026-12-07T06:30:00.000Z',
    })
    // Today's 06:00 was before the schedule existed.
    expect(await t.core.summaryScheduler.check()).toEqual([])
    expect(await periods(t)).toEqual([])
  })

  it('makes each due period once: the daily at its time for the day before, the weekly on its weekday', async () => {
    const t = await open('2026-12-03T10:00:00.000Z')
    await t.core.call('summaries.setSchedule', {
      daily: { enabled: true, time: '06:00' },
      weekly: { enabled: true, weekday: 1, time: '06:30' },
      format: 'json',
    })
    t.clock.set('2026-12-04T05:59:59.000Z')
    expect(await t.core.summaryScheduler.check()).toEqual([])
    t.clock.set('2026-12-04T06:00:00.000Z')
    const jobs = await t.core.summaryScheduler.check()
    expect(jobs).toHaveLength(1)
    await t.core.jobs.settled(jobs[0]?.id ?? '')
    // A second check in the same period (a timer and a restart, say) makes nothing more.
    expect(await t.core.summaryScheduler.check()).toEqual([])
    t.clock.set('2026-12-07T06:30:00.000Z')
    for (const job of await t.core.summaryScheduler.check()) await t.core.jobs.settled(job.id)
    expect(await t.core.summaryScheduler.check()).toEqual([])
    expect(await periods(t)).toEqual([
      'daily 2026-12-03 scheduled done',
      'daily 2026-12-06 scheduled done',
      'weekly 2026-11-30 scheduled done',
    ])
    const weekly = (await t.core.call('summaries.list', { type: 'weekly' })).items[0]
    expect(weekly).toMatchObject({
      title: 'Weekly summary 2026-11-30 – 2026-12-06',
      rangeEnd: '2026-12-07T00:00:00.000Z',
      format: 'json',
    })
    const log = await t.core.call('audit.list', { entity: 'summary_report', limit: 10 })
    expect(new Set(log.items.map((e) => `${e.transport}:${e.actor}`))).toEqual(
      new Set(['scheduler:scheduler']),
    )
  })

  it('catches up once at start-up for the last period missed while the app was closed', async () => {
    const first = await open('2026-12-03T10:00:00.000Z')
    await first.core.call('summaries.setSchedule', {
      daily: { enabled: true, time: '06:00' },
      weekly: { enabled: true, weekday: 1, time: '06:00' },
    })
    await first.core.stop()
    cores.splice(cores.indexOf(first), 1)
    // Closed until Tuesday 12-08 09:00: the dailies of 12-04 … 12-08 and Monday's weekly were missed.
    const second = await open('2026-12-08T09:00:00.000Z', first.dir, true)
    await second.core.waitForIdle()
    expect(await periods(second)).toEqual([
      'daily 2026-12-07 scheduled done',
      'weekly 2026-11-30 scheduled done',
    ])
    await second.core.stop()
    cores.splice(cores.indexOf(second), 1)
    // Started again the same day: nothing new.
    const third = await open('2026-12-08T11:00:00.000Z', first.dir, true)
    await third.core.waitForIdle()
    expect(await periods(third)).toHaveLength(2)
  })

  it('marks the reports a previous process left unfinished as failed when the app starts', async () => {
    const first = await open('2026-12-03T10:00:00.000Z')
    await first.core.db.writes.run('test.unfinished', () => {
      first.core.db.sqlite
        .prepare(
          `INSERT INTO summary_reports (id, type, range_start, range_end, status, format, created_at)
           VALUES ('00000000-0000-4000-8000-0000000000e1', 'daily', '2026-12-02T00:00:00.000Z',
             '2026-12-03T00:00:00.000Z', 'running', 'md', '2026-12-03T09:00:00.000Z')`,
        )
        .run()
    })
    await first.core.stop()
    cores.splice(cores.indexOf(first), 1)
    const second = await open('2026-12-03T11:00:00.000Z', first.dir, true)
    expect(
      await second.core.call('summaries.get', { id: '00000000-0000-4000-8000-0000000000e1' }),
    ).toMatchObject({
      status: 'failed',
      error: 'ThreatEye stopped before this report was written',
      finishedAt: '2026-12-03T11:00:00.000Z',
    })
    // Generating the period again re-runs it.
    const again = await second.core.call('summaries.generate', {
      type: 'daily',
      from: '2026-12-02',
      wait: true,
    })
    expect(again.report).toMatchObject({
      id: '00000000-0000-4000-8000-0000000000e1',
      status: 'done',
    })
  })

  it('arms its timer for the next due time (at most the recheck interval) and runs when it fires', async () => {
    const t = await open('2026-12-03T10:00:00.000Z')
    await t.core.call('summaries.setSchedule', { daily: { enabled: true, time: '10:05' } })
    const armed: { fn: () => void; ms: number }[] = []
    let onArm: () => void = () => {}
    const timers: SummaryTimers = {
      set: (fn, ms) => {
        armed.push({ fn, ms })
        onArm()
        return armed.length
      },
      clear: () => {},
    }
    const scheduler = createSummaryScheduler({
      clock: t.clock,
      logger: createMemoryLogger(),
      readSchedule: () => t.core.summaries.schedule.read(),
      ensure: (period, by) => t.core.summaries.ensure(period, by),
      timers,
    })
    await scheduler.start()
    expect(armed.map((a) => a.ms)).toEqual([5 * 60_000])
    t.clock.set('2026-12-03T10:05:00.000Z')
    const rearmed = new Promise<void>((resolve) => (onArm = resolve))
    armed[0]?.fn()
    await rearmed
    scheduler.stop()
    await t.core.waitForIdle()
    expect(await periods(t)).toEqual(['daily 2026-12-02 scheduled done'])
    // Tomorrow's run is a day away: the timer looks again sooner.
    expect(armed[1]?.ms).toBe(SCHEDULER_RECHECK_MS)
  })
})
