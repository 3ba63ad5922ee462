import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_LISTED_REJECTS } from '#shared/contract/indicators.contract'
import { AppError, type EventPayload } from '#shared/contract'
import { importIndicators } from '#core/ingest/bulk-create'
import { openTestCore, type TestCore } from '../db/core-fixture'

let t: TestCore
let changes: EventPayload<'indicators.onDidChange'>[]
beforeEach(async () => {
  t = await openTestCore()
  changes = []
  t.core.events.on('indicators.onDidChange', (e) => changes.push(e))
})
afterEach(() => t.dispose())

const count = () =>
  t.core.db.sqlite.prepare('SELECT count(*) FROM indicators').pluck().get() as number
/** Rows the search index finds for 'bulk', once it has caught up with every write so far. */
const ftsCount = async () => {
  expect(await t.core.search.catchUp(30_000)).toBe(true)
  return t.core.db.sqlite
    .prepare("SELECT count(*) FROM search.indicators_fts WHERE indicators_fts MATCH 'bulk'")
    .pluck()
    .get() as number
}

const PASTE = [
  '# IOCs from the incident report', // 1: comment
  '203.0.113.5', // 2
  'hxxp://evil-corp[.]com/gate.php', // 3
  '', // 4
  '999.999.1.1', // 5: not an IPv4
  'D41D8CD98F00B204E9800998ECF8427E', // 6
  '- login.evil-corp.com  # phishing', // 7
  '203.0.113.5', // 8: duplicate of line 2
  'not-a-thing', // 9
].join('\n')

describe('indicators.bulkCreate', () => {
  it('imports pasted text: rejects carry their line number and reason, duplicates merge', async () => {
    const r = await t.core.call('indicators.bulkCreate', {
      text: PASTE,
      defaults: { tags: ['bulk'], severity: 'high' },
    })
    expect(r).toMatchObject({ total: 7, created: 4, updated: 0, unchanged: 1, rejected: 2 })
    expect(r.byType).toEqual({ ip: 2, url: 1, md5: 1, domain: 1 })
    expect(r.rejects.map((x) => x.line)).toEqual([5, 9])
    expect(r.rejects[0]).toMatchObject({ value: '999.999.1.1' })
    expect(r.rejects[0]?.reason).toMatch(/999/)
    const url = await t.core.call('indicators.lookup', { value: 'http://evil-corp.com/gate.php' })
    expect(url).toMatchObject({ tags: ['bulk'], severity: 'high', type: 'url' })
    expect(await ftsCount()).toBe(4)
    expect(changes).toEqual([{ kind: 'bulk' }])
  })

  it('is idempotent: the same import twice leaves the second one all unchanged', async () => {
    const first = await t.core.call('indicators.bulkCreate', { text: PASTE })
    t.clock.advance(3_600_000)
    const second = await t.core.call('indicators.bulkCreate', { text: PASTE })
    expect(second).toMatchObject({
      total: first.total,
      created: 0,
      updated: 0,
      unchanged: first.created + first.updated + first.unchanged,
      rejected: first.rejected,
    })
    expect(changes).toHaveLength(1)
  })

  it('imports items with their own fields over the defaults; positions are the line numbers', async () => {
    const p = await t.core.call('projects.create', { name: 'Op Dusk' })
    const r = await t.core.call('indicators.bulkCreate', {
      items: [
        { value: '198.51.100.10', score: 90, tags: ['c2'], lastSeen: '2025-11-20T00:00:00Z' },
        { value: 'nope nope' },
        { value: 'cve-2024-3400', type: 'cve', description: 'PAN-OS command injection' },
        { value: 'x.example', firstSeen: '2025-02-01T00:00:00Z', lastSeen: '2025-01-01T00:00:00Z' },
      ],
      defaults: { projectId: p.id, tags: ['op-dusk'], confidence: 80 },
    })
    expect(r).toMatchObject({ total: 4, created: 2, rejected: 2 })
    expect(r.rejects.map((x) => [x.line, x.value])).toEqual([
      [2, 'nope nope'],
      [4, 'x.example'],
    ])
    expect(r.rejects[1]?.reason).toMatch(/firstSeen .* is after lastSeen/)
    const ip = await t.core.call('indicators.lookup', { value: '198.51.100.10' })
    // The score an analyst gives is their base score; the stored score has aged a day since lastSeen.
    const breakdown = await t.core.call('indicators.getScore', { id: ip?.id ?? '' })
    expect(breakdown.baseScore).toBe(90)
    expect(breakdown.terms.map((x) => x.term)).toContain('analyst_score')
    expect(ip?.score).toBe(breakdown.score)
    expect(ip).toMatchObject({
      confidence: 80,
      tags: ['op-dusk', 'c2'],
      projectId: p.id,
      lastSeen: '2025-11-20T00:00:00.000Z',
    })
    const cve = await t.core.call('indicators.lookup', { type: 'cve', value: 'CVE-2024-3400' })
    expect(cve?.description).toBe('PAN-OS command injection')
  })

  it('refuses an unknown default project before importing anything', async () => {
    const e = await t.core
      .call('indicators.bulkCreate', {
        text: '203.0.113.9',
        defaults: { projectId: '00000000-0000-4000-8000-0000000000aa' },
      })
      .then(
        () => null,
        (x: unknown) => x,
      )
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).message).toMatch(/projectId/)
    expect(count()).toBe(0)
  })

  it(`counts every reject but lists at most ${MAX_LISTED_REJECTS}`, async () => {
    const text = Array.from({ length: MAX_LISTED_REJECTS + 200 }, (_, i) => `bad_value_${i}`).join(
      '\n',
    )
    const r = await t.core.call('indicators.bulkCreate', { text })
    expect(r.rejected).toBe(MAX_LISTED_REJECTS + 200)
    expect(r.rejects).toHaveLength(MAX_LISTED_REJECTS)
    expect(r.rejects.at(-1)?.line).toBe(MAX_LISTED_REJECTS)
  })

  it('a crash mid-import keeps earlier batches, rolls the failing batch back whole, and a re-run completes', async () => {
    const values = Array.from({ length: 250 }, (_, i) => `host${i}.crash.example`)
    // A real failure inside SQLite, on the 180th row: the third batch of 75 fails halfway through. A real
    // (not TEMP) trigger, because the bulk writer's worker writes through its own connection.
    t.core.db.sqlite.exec(`CREATE TRIGGER crash BEFORE INSERT ON indicators
      WHEN new.value = 'host179.crash.example' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`)
    const input = { text: values.join('\n'), defaults: { tags: ['bulk'] } }
    const deps = t.core
    const failed = await importIndicators(
      deps,
      { ...input, defaults: input.defaults },
      { batchSize: 75 },
    ).then(
      () => null,
      (e: unknown) => e,
    )
    expect(String(failed)).toMatch(/simulated crash/)
    expect(count()).toBe(150)
    expect(await ftsCount()).toBe(150)
    const stored = t.core.db.sqlite
      .prepare('SELECT value FROM indicators ORDER BY rowid')
      .pluck()
      .all()
    expect(stored).toEqual(values.slice(0, 150))
    expect(changes).toEqual([{ kind: 'bulk' }])

    t.core.db.sqlite.exec('DROP TRIGGER crash')
    const rerun = await importIndicators(deps, input, { batchSize: 75 })
    expect(rerun).toMatchObject({ total: 250, created: 100, unchanged: 150, rejected: 0 })
    expect(count()).toBe(250)
    expect(await ftsCount()).toBe(250)
  })

  it('an input that fills its batches exactly takes exactly that many transactions', async () => {
    // Counts the import's write-queue jobs (other jobs, like the search log's pruning, may run meanwhile).
    let jobs = 0
    const writes = t.core.db.writes
    const run = writes.run.bind(writes)
    writes.run = (label, job) => {
      if (label === 'indicators.bulkCreate') jobs++
      return run(label, job)
    }
    const text = Array.from({ length: 150 }, (_, i) => `h${i}.exact.example`).join('\n')
    const r = await importIndicators(t.core, { text, defaults: {} }, { batchSize: 75 })
    expect(r).toMatchObject({ total: 150, created: 150 })
    // One write-queue job per batch: two, and no third, empty, transaction after the last full one.
    expect(jobs).toBe(2)
  })

  it('stops between batches when the call is cancelled', async () => {
    const controller = new AbortController()
    const text = Array.from({ length: 100 }, (_, i) => `h${i}.cancel.example`).join('\n')
    t.core.events.on('indicators.onDidChange', () => undefined)
    const job = importIndicators(
      t.core,
      { text, defaults: {} },
      { batchSize: 10, signal: controller.signal },
    )
    controller.abort()
    const e = await job.then(
      () => null,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).code).toBe('cancelled')
    expect(count()).toBeLessThan(100)
  })
})
