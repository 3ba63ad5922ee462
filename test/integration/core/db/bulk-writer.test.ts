import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '#shared/contract'
import { prepareUpsertRows } from '#core/db/bulk/indicator-bulk'
import { openTestCore, T0, type TestCore } from './core-fixture'

// The bulk writer's worker thread (src/main/db/bulk-worker): a second connection that runs the big
// imports while the main thread stays free. Real worker, real SQLite file.

let t: TestCore
beforeEach(async () => {
  t = await openTestCore()
})
afterEach(() => t.dispose())

const count = () =>
  t.core.db.sqlite.prepare('SELECT count(*) FROM indicators').pluck().get() as number
const rows = (prefix: string, n: number) =>
  prepareUpsertRows(
    Array.from({ length: n }, (_, i) => ({
      type: 'domain' as const,
      value: `${prefix}${i}.example`,
    })),
  )

describe('bulk writer worker', () => {
  it('commits a transaction of several chunks and reports what it did', async () => {
    const tx = t.core.db.bulk.begin(T0)
    tx.indicators(rows('a', 300))
    tx.indicators(rows('b', 200))
    tx.indicators(rows('a', 100)) // repeats: unchanged
    const { delta } = await tx.commit()
    expect(delta).toMatchObject({ created: 500, updated: 0, unchanged: 100 })
    // The main connection sees the worker's commit.
    expect(count()).toBe(500)
  })

  it('rolls back on rollback()', async () => {
    const tx = t.core.db.bulk.begin(T0)
    tx.indicators(rows('r', 50))
    await tx.rollback()
    expect(count()).toBe(0)
  })

  it('a failing chunk poisons its transaction: nothing of it lands, the error keeps its SQLite code', async () => {
    t.core.db.sqlite.exec(`CREATE TRIGGER refuse BEFORE INSERT ON indicators
      WHEN new.value = 'p120.example' BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END`)
    const tx = t.core.db.bulk.begin(T0)
    tx.indicators(rows('p', 100))
    tx.indicators(prepareUpsertRows([{ type: 'domain', value: 'p120.example' }]))
    tx.indicators(rows('q', 100)) // skipped: the transaction already failed
    const e = await tx.commit().then(
      () => null,
      (x: unknown) => x as Error & { code?: string },
    )
    expect(e?.message).toMatch(/refused by trigger/)
    expect(e?.code).toMatch(/^SQLITE_CONSTRAINT/)
    expect(count()).toBe(0)
    // The worker is still good for the next transaction.
    t.core.db.sqlite.exec('DROP TRIGGER refuse')
    const again = t.core.db.bulk.begin(T0)
    again.indicators(rows('p', 100))
    expect((await again.commit()).delta.created).toBe(100)
  })

  it('rebuilds our AppError on the main thread with its code and details', async () => {
    // A row whose id exists with another value: only a write around the bulk writer can cause it, so
    // make one (the id of 'x0.example' stored with another value).
    const [id] = rows('x', 1) as [string]
    t.core.db.sqlite
      .prepare(
        `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES (?, 'domain', 'other.example', ?, ?)`,
      )
      .run(id, T0, T0)
    const tx = t.core.db.bulk.begin(T0)
    tx.indicators(rows('x', 1))
    const e = await tx.commit().then(
      () => null,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).code).toBe('conflict')
    expect((e as AppError).details).toEqual({ id })
  })

  it('a worker that dies mid-transaction loses only that transaction, and the next one starts a new worker', async () => {
    const first = t.core.db.bulk.begin(T0)
    first.indicators(rows('k', 1000))
    expect((await first.commit()).delta.created).toBe(1000)

    const doomed = t.core.db.bulk.begin(T0)
    doomed.indicators(rows('d', 1000))
    await t.core.db.bulk.terminate()
    // Its transaction died with it: committing it now is refused, with the reason, not half-done.
    const outcome = await doomed.commit().then(
      () => 'committed',
      (e: unknown) => String(e),
    )
    expect(outcome).toMatch(/bulk writer stopped.*rolled back/)
    expect(count()).toBe(1000)
    expect(t.core.db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')

    const next = t.core.db.bulk.begin(T0)
    next.indicators(rows('d', 1000))
    expect((await next.commit()).delta.created).toBe(1000)
    expect(count()).toBe(2000)
  })

  it('leaves the main thread free: a read issued during a big import answers before the import ends, from a committed state', async () => {
    const text = Array.from({ length: 60_000 }, (_, i) => `h${i}.busy.example`).join('\n')
    const order: string[] = []
    // Each batch (BULK_BATCH_ROWS = 50,000) is one write-queue job: the first one settling is the moment the
    // import is half done, with the second batch still to parse and write.
    const firstBatchDone = new Promise<void>((resolve) =>
      t.core.db.writes.onDidRun(() => {
        if (count() > 0) resolve()
      }),
    )
    const job = t.core.call('indicators.bulkCreate', { text }).then((r) => {
      order.push('import')
      return r
    })
    await firstBatchDone
    const seen = await t.core.call('indicators.count', {}).then((c) => {
      order.push('count')
      return c.total
    })
    const report = await job
    expect(report.created).toBe(60_000)
    expect(order).toEqual(['count', 'import'])
    // The committed first batch, and nothing of the second one the worker is writing: never a half batch.
    expect(seen).toBe(50_000)
  })
})

describe('bulk writer worker: hostile sizes', () => {
  // The worker runs with a capped V8 heap; senders split what they hand over by size as well as by count,
  // so tens of MB of descriptions and raw records cross the thread boundary in parts of a few MB.

  it('imports 3,000 indicators with 20,000-character descriptions', async () => {
    const description = 'x'.repeat(20_000)
    const items = Array.from({ length: 3000 }, (_, i) => ({
      type: 'domain' as const,
      value: `long${i}.example`,
      description,
    }))
    const report = await t.core.call('indicators.bulkCreate', { items })
    expect(report).toMatchObject({ created: 3000, rejected: 0 })
    const stored = t.core.db.sqlite
      .prepare("SELECT length(description) FROM indicators WHERE value = 'long2999.example'")
      .pluck()
      .get()
    expect(stored).toBe(20_000)
  })

  it('imports a 65 MB STIX bundle of 3,000 indicators with 20,000-character descriptions', async () => {
    const objects = Array.from({ length: 3000 }, (_, i) => ({
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
      created: '2025-01-01T00:00:00.000Z',
      modified: '2025-01-01T00:00:00.000Z',
      name: `long ${i}`,
      description: `d${i} `.padEnd(20_000, 'y'),
      pattern: `[domain-name:value = 'stix${i}.example']`,
      pattern_type: 'stix',
      valid_from: '2025-01-01T00:00:00.000Z',
    }))
    // ~65 MB: more than the HTTP and importText limits, so a local file (the desktop's and the CLI's way).
    const path = join(t.dir, 'long-bundle.json')
    writeFileSync(path, JSON.stringify({ type: 'bundle', id: 'bundle--1', objects }))
    const run = await t.core.call('feeds.importFile', { path, format: 'stix-bundle' })
    expect(run).toMatchObject({ status: 'succeeded', created: 3000, rejected: 0 })
    // Feed descriptions are cut to the engine's 4,000 characters (prepare.ts); each record has its observation.
    const kept = t.core.db.sqlite
      .prepare(
        "SELECT count(*), min(length(i.description)) FROM observations o JOIN indicators i ON i.rowid = o.indicator_rowid WHERE i.value LIKE 'stix%.example'",
      )
      .raw()
      .get()
    expect(kept).toEqual([3000, 4000])
  })
})
