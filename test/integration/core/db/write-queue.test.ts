import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWriteQueue } from '#core/db/write-queue'
import { openTestCore, type TestCore } from './core-fixture'

let t: TestCore
beforeEach(async () => {
  t = await openTestCore()
})
afterEach(() => t.dispose())

describe('the write queue under concurrent calls', () => {
  it('runs 50 concurrent jobs one at a time, in arrival order, even when they await inside', async () => {
    const log: string[] = []
    const jobs = Array.from({ length: 50 }, (_, i) =>
      t.core.db.writes.run(`job ${i}`, async () => {
        log.push(`start ${i}`)
        // A real await inside the job: another job must still not start before this one ends.
        await t.core.db.dataSource.query('SELECT 1')
        await new Promise<void>((resolve) => setImmediate(resolve))
        log.push(`end ${i}`)
        return i
      }),
    )
    expect(await Promise.all(jobs)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(log).toEqual(Array.from({ length: 50 }, (_, i) => [`start ${i}`, `end ${i}`]).flat())
    expect(t.core.db.writes.pending).toBe(0)
  })

  it('50 concurrent creates through the contract commit in call order, none lost, none interleaved', async () => {
    const values = Array.from({ length: 50 }, (_, i) => `host${i}.concurrent.example`)
    const created = await Promise.all(
      values.map((value, i) => t.core.call('indicators.create', { value, tags: [`n${i}`] })),
    )
    expect(created.map((c) => c.value)).toEqual(values)
    // FIFO: rowids follow the order of the calls.
    const order = t.core.db.sqlite
      .prepare('SELECT value FROM indicators ORDER BY rowid')
      .pluck()
      .all() as string[]
    expect(order).toEqual(values)
    // Each row is whole: its tag belongs to its own value (no job wrote into another's row).
    for (const [i, c] of created.entries()) expect(c.tags).toEqual([`n${i}`])
  })

  it('a failing job does not stop the queue and is not half-applied', async () => {
    const results = await Promise.allSettled([
      t.core.call('indicators.create', { value: 'a.queue.example' }),
      t.core.call('indicators.create', { value: 'a.queue.example' }),
      t.core.call('indicators.create', { value: 'b.queue.example' }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(t.core.db.sqlite.prepare('SELECT count(*) FROM indicators').pluck().get()).toBe(2)
  })

  it('tells listeners after every job, failed ones too, and a failing listener stops nothing', async () => {
    const q = createWriteQueue()
    const seen: number[] = []
    q.onDidRun(() => {
      throw new Error('listener bug')
    })
    q.onDidRun(() => seen.push(q.pending))
    const results = await Promise.allSettled([
      q.run('a', () => 1),
      q.run('b', () => {
        throw new Error('job failed')
      }),
      q.run('c', () => 3),
    ])
    await q.waitForIdle()
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(seen).toEqual([2, 1, 0])
  })
})
