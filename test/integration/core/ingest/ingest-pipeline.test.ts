import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { BulkTransaction } from '#core/db/bulk-worker/bulk-writer-client'
import { importIndicators } from '#core/ingest/bulk-create'
import { openTestCore, type TestCore } from '../feeds/engine/engine-support'

let t: TestCore | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})
const open = async (batchSize?: number): Promise<TestCore> => {
  t = await openTestCore(batchSize === undefined ? {} : { batchSize })
  return t
}

const count = (c: TestCore) =>
  c.core.db.sqlite.prepare('SELECT count(*) FROM indicators').pluck().get() as number

/** Counts the write-queue jobs of one label: one per batch transaction. */
const countJobs = (c: TestCore, label: string): (() => number) => {
  let jobs = 0
  const writes = c.core.db.writes
  const run = writes.run.bind(writes)
  writes.run = (l, job) => {
    if (l === label) jobs++
    return run(l, job)
  }
  return () => jobs
}

const LINES = ['203.0.113.5', 'evil.example', '999.1.1.1', 'http://a.example/x', '203.0.113.5']

describe('one ingest pipeline', () => {
  it('reports the same counts for bulkCreate, pasted text, a dropped CSV and a file', async () => {
    const c = await open()
    const bulk = await c.core.call('indicators.bulkCreate', { text: LINES.join('\n') })
    // bulkCreate's report is the counts as BulkReport: a repeat is unchanged, not a separate count.
    expect(bulk).toMatchObject({ total: 5, created: 3, unchanged: 1, rejected: 1 })
    expect(bulk.rejects.map((r) => r.line)).toEqual([3])

    const text = await c.core.call('feeds.importText', {
      content: LINES.join('\n'),
      fileName: 'paste.txt',
      format: 'text',
    })
    // A new source observing known indicators is a change to them: one more source, one more sighting.
    expect(text).toMatchObject({ rows: 5, created: 0, updated: 3, duplicates: 1, rejected: 1 })

    const csv = await c.core.call('feeds.importText', {
      content: ['indicator', ...LINES].join('\n'),
      fileName: 'paste.csv',
      format: 'auto',
    })
    expect(csv).toMatchObject({ format: 'generic-csv', rows: 5, updated: 3, duplicates: 1 })
    expect(csv.rejected).toBe(1)

    const path = join(c.dataDir, 'list.csv')
    writeFileSync(path, ['value,tags', ...LINES.map((l) => `${l},file`)].join('\n'))
    const file = await c.core.call('feeds.importFile', { path, format: 'auto' })
    expect(file).toMatchObject({ format: 'generic-csv', rows: 5, updated: 3, duplicates: 1 })
    // The reject's line is the file's: the header is line 1 and not counted.
    expect((await c.core.call('feeds.getRun', { id: file.id })).rejects).toEqual([
      expect.objectContaining({ line: 4, value: '999.1.1.1' }),
    ])
  })

  it('commits exactly one transaction per batch, whatever the entry point', async () => {
    const c = await open(100)
    const feedJobs = countJobs(c, 'feeds.batch')
    const bulkJobs = countJobs(c, 'indicators.bulkCreate')
    const values = Array.from({ length: 250 }, (_, i) => `h${i}.batches.example`)
    const run = await c.core.call('feeds.importText', {
      content: values.join('\n'),
      fileName: 'batches.txt',
      format: 'text',
    })
    expect(run).toMatchObject({ status: 'succeeded', created: 250 })
    expect(feedJobs()).toBe(3)
    const other = values.map((v) => v.replace('batches', 'bulk'))
    const r = await importIndicators(
      c.core,
      { text: other.join('\n'), defaults: {} },
      { batchSize: 100 },
    )
    expect(r.created).toBe(250)
    expect(bulkJobs()).toBe(3)
  })

  it('waits for the bulk writer between chunks (a bounded queue between the threads)', async () => {
    const c = await open()
    const events: string[] = []
    const bulk = c.core.db.bulk
    const begin = bulk.begin.bind(bulk)
    bulk.begin = (nowIso) => {
      const tx = begin(nowIso)
      const seen: BulkTransaction = {
        ...tx,
        indicators: (rows) => {
          events.push('part')
          tx.indicators(rows)
        },
        feed: (part) => {
          events.push('part')
          tx.feed(part)
        },
        room: (max) => {
          events.push(`room ${String(max)}`)
          return tx.room(max)
        },
      }
      return seen
    }
    const values = Array.from({ length: 2500 }, (_, i) => `h${i}.room.example`)
    await c.core.call('indicators.bulkCreate', { text: values.join('\n') })
    // Chunks of 1,000 rows: every one is followed by a wait until at most two parts are queued.
    expect(events).toEqual(['part', 'room 2', 'part', 'room 2', 'part', 'room 2'])
    events.length = 0
    await c.core.call('feeds.importText', {
      content: values.map((v) => v.replace('room', 'feedroom')).join('\n'),
      fileName: 'room.txt',
      format: 'text',
    })
    expect(events.length).toBeGreaterThan(0)
    for (let i = 0; i < events.length; i += 2) {
      expect(events.slice(i, i + 2)).toEqual(['part', 'room 2'])
    }
  })

  it('a crash mid-batch rolls that batch back whole and keeps the committed ones', async () => {
    const c = await open(50)
    c.core.db.sqlite.exec(`CREATE TRIGGER crash BEFORE INSERT ON indicators
      WHEN new.value = 'h119.crash.example' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`)
    const rows = Array.from({ length: 200 }, (_, i) => `h${i}.crash.example,crash`)
    const run = await c.core.call('feeds.importText', {
      content: ['indicator,tags', ...rows].join('\n'),
      fileName: 'crash.csv',
      format: 'generic-csv',
    })
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/simulated crash.*the 2 batch\(es\) committed before the failure/)
    expect(count(c)).toBe(100)
    // The run row holds the counters of the committed batches only.
    expect(run).toMatchObject({ created: 100 })
  })
})
