import { readFileSync, statSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { parse } from 'csv-parse/sync'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appErrorOf, openTestCore, type TestCore } from '../db/core-fixture'
import { insertIndicators } from './export-support'

let t: TestCore
beforeEach(async () => {
  t = await openTestCore()
})
afterEach(async () => {
  await t.dispose()
})

const finishedExport = async (jobId: string) => {
  const job = await t.core.jobs.settled(jobId)
  if (job.kind !== 'export.start') throw new Error(`unexpected job kind ${job.kind}`)
  if (job.result === null) throw new Error(`export failed: ${JSON.stringify(job.error)}`)
  return job.result
}

describe('export jobs and TLP', () => {
  it('warns about AMBER material and refuses it without confirmation, naming the TLP', async () => {
    await insertIndicators(t.core, 3, (i) => ({
      value: `x${i}.example.com`,
      tlp: i === 0 ? 'amber' : 'green',
    }))
    const target = { kind: 'indicators' as const }
    const check = await t.core.call('export.check', { target })
    expect(check).toMatchObject({
      tlp: 'amber',
      tlpCounts: { amber: 1, green: 2 },
      indicatorCount: 3,
      needsConfirm: true,
      formats: expect.arrayContaining(['csv']),
    })
    expect(check.warning).toContain('TLP:AMBER')
    const refused = await appErrorOf(t.core.call('export.start', { format: 'csv', target }))
    expect(refused.code).toBe('forbidden')
    expect(refused.message).toContain('TLP:AMBER')
    expect(refused.message).toContain('confirmTlp')
    const job = await t.core.call('export.start', { format: 'csv', target, confirmTlp: true })
    const file = await finishedExport(job.id)
    expect(file.tlp).toBe('amber')
    expect(file.fileName).toMatch(/^threateye-all-indicators-TLP-AMBER-\d{8}-\d{6}\.csv$/)
  })

  it('RED is refused too; GREEN and CLEAR need no confirmation', async () => {
    await insertIndicators(t.core, 1, () => ({ value: 'red.example.com', tlp: 'red' }))
    await insertIndicators(t.core, 1, () => ({ value: 'green.example.com', tlp: 'green' }))
    const red = await appErrorOf(
      t.core.call('export.start', {
        format: 'csv',
        target: { kind: 'indicators', filter: { q: undefined, scoreMin: 0 } },
      }),
    )
    expect(red.message).toContain('TLP:RED')
    const green = await t.core.call('export.check', {
      target: { kind: 'indicators', filter: { ids: [] } },
    })
    expect(green.tlp).toBe('red')
    const onlyGreen = await t.core.call('indicators.list', { filter: { q: undefined } })
    const greenId = onlyGreen.items.find((i) => i.value === 'green.example.com')?.id ?? ''
    const job = await t.core.call('export.start', {
      format: 'csv',
      target: { kind: 'indicators', filter: { ids: [greenId] } },
    })
    const file = await finishedExport(job.id)
    expect(file.tlp).toBe('green')
    expect(file.rows).toBe(1)
  })

  it('writes a private file, lists it, reads it in chunks and deletes it', async () => {
    await insertIndicators(t.core, 50, (i) => ({ value: `f${i}.example.com`, score: i }))
    const job = await t.core.call('export.start', {
      format: 'csv',
      target: { kind: 'indicators', filter: { scoreMin: 10 } },
      defang: true,
    })
    expect(job.kind).toBe('export.start')
    const file = await finishedExport(job.id)
    expect(file).toMatchObject({ format: 'csv', rows: 40, defang: true, tlp: 'green' })
    expect(file.targetText).toBe('indicators score ≥ 10')
    expect(file.path.startsWith(t.dir)).toBe(true)
    if (process.platform !== 'win32') expect(statSync(file.path).mode & 0o777).toBe(0o600)
    const text = readFileSync(file.path, 'utf8')
    expect(file.size).toBe(Buffer.byteLength(text))
    const table = parse(text)
    expect(table).toHaveLength(41)
    expect(table[1]?.[2]).toBe('f49[.]example[.]com')

    expect((await t.core.call('export.list', {})).items.map((f) => f.id)).toEqual([file.id])
    expect(await t.core.call('export.get', { id: file.id })).toEqual(file)

    const chunks: Buffer[] = []
    let offset: number | null = 0
    while (offset !== null) {
      const slice: { data: string; nextOffset: number | null } = await t.core.call(
        'export.readFile',
        { id: file.id, offset, length: 1000 },
      )
      chunks.push(Buffer.from(slice.data, 'base64'))
      offset = slice.nextOffset
    }
    expect(Buffer.concat(chunks).toString('utf8')).toBe(text)

    await t.core.call('export.delete', { id: file.id })
    expect(statSync(file.path, { throwIfNoEntry: false })).toBeUndefined()
    expect((await t.core.call('export.list', {})).items).toEqual([])
    expect((await appErrorOf(t.core.call('export.get', { id: file.id }))).code).toBe('not_found')
    // The change log says who wrote and deleted what, at which TLP.
    const log = await t.core.call('audit.list', { entity: 'export' })
    expect(log.items.map((e) => [e.operation, e.entityId])).toEqual([
      ['delete', file.id],
      ['create', file.id],
    ])
    expect(log.items[1]?.changes).toMatchObject({ format: 'csv', tlp: 'green', rows: 40 })
  })

  it('reports progress and can be cancelled, leaving no partial file', async () => {
    await insertIndicators(t.core, 20_000, (i) => ({ value: `c${i}.example.com` }))
    const job = await t.core.call('export.start', { format: 'csv', target: { kind: 'indicators' } })
    t.core.jobs.cancel(job.id)
    const done = await t.core.jobs.settled(job.id)
    expect(done.status).toBe('cancelled')
    expect((await t.core.call('export.list', {})).items).toEqual([])
    const again = await t.core.call('export.start', {
      format: 'csv',
      target: { kind: 'indicators' },
    })
    const file = await finishedExport(again.id)
    expect(t.core.jobs.get(again.id).progress).toEqual({ done: 20_000, total: 20_000 })
    expect(file.rows).toBe(20_000)
  })

  it('writes a PDF through the same job when the writer is wired', async () => {
    await insertIndicators(t.core, 20, (i) => ({ value: `pdf${i}.example.com`, score: i * 5 }))
    const job = await t.core.call('export.start', {
      format: 'pdf',
      target: { kind: 'indicators' },
      defang: true,
    })
    const file = await finishedExport(job.id)
    expect(file).toMatchObject({ format: 'pdf', mediaType: 'application/pdf', rows: 20 })
    expect(file.fileName).toMatch(/-TLP-GREEN-\d{8}-\d{6}\.pdf$/)
    expect(readFileSync(file.path).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  })

  it.each([
    ['stix', 'application/stix+json;version=2.1', 'bundle'],
    ['misp', 'application/json', 'Event'],
  ] as const)('writes a %s export through the same job', async (format, mediaType, key) => {
    await insertIndicators(t.core, 3, (i) => ({ value: `x${i}.example.com` }))
    const job = await t.core.call('export.start', { format, target: { kind: 'indicators' } })
    const file = await finishedExport(job.id)
    expect(file).toMatchObject({ format, mediaType, rows: 3 })
    const json = JSON.parse(readFileSync(file.path, 'utf8')) as Record<string, unknown>
    expect(key === 'bundle' ? json.type : Object.keys(json)).toEqual(
      key === 'bundle' ? 'bundle' : ['Event'],
    )
  })

  it('streams a large export with bounded memory', async () => {
    const rows = 60_000
    await insertIndicators(t.core, rows, (i) => ({
      value: `big-${i}.example.com`,
      description: `row ${i} `.padEnd(700, 'x'),
      score: i % 101,
    }))
    // What the export holds alive, not the garbage V8 has not collected yet: collect before each sample.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const before = process.memoryUsage().heapUsed
    let peak = 0
    let samples = 0
    let sampledAt = 0
    const job = await t.core.call('export.start', { format: 'csv', target: { kind: 'indicators' } })
    const unsubscribe = t.core.events.on('jobs.onDidProgress', ({ job: j }) => {
      // Progress events are throttled: whatever count they carry, sample at most every 10,000 rows.
      if (j.status !== 'running' || j.progress.done - sampledAt < 10_000) return
      sampledAt = j.progress.done
      gc()
      samples++
      peak = Math.max(peak, process.memoryUsage().heapUsed - before)
    })
    const file = await finishedExport(job.id)
    unsubscribe()
    expect(file.rows).toBe(rows)
    expect(file.size).toBeGreaterThan(40_000_000)
    expect(samples).toBeGreaterThan(0)
    // The file is several times larger than what the export ever held: pages, not the result.
    expect(peak).toBeLessThan(file.size / 4)
  })
})
