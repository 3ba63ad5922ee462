import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  countRows,
  countsOf,
  nextEvent,
  openTestCore,
  writeFile,
  type TestCore,
} from './engine-support'

// A URLhaus dump as abuse.ch writes it: commented header (the column line too), every field quoted, tags
// comma-separated inside a quoted field, a comma inside a URL, CRLF line ends.
const URLHAUS = [
  '################################################################',
  '# abuse.ch URLhaus Database Dump (CSV - recent URLs only)      #',
  '################################################################',
  '#',
  '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter',
  '"1001","2025-05-30 10:00:00","http://198.51.100.10/bins/mozi.m","online","2025-05-31 10:00:00","malware_download","elf,Mozi","https://urlhaus.abuse.ch/url/1001/","reporter1"',
  '"1002","2025-05-30 11:00:00","https://evil.example.com/a,b/login.php?x=1","offline","","malware_download","phishing","https://urlhaus.abuse.ch/url/1002/","reporter2"',
  '"1003","2025-05-30 12:00:00","http://EVIL.example.com:8080/dl/payload.exe","online","","malware_download","exe","https://urlhaus.abuse.ch/url/1003/","reporter3"',
  // The same URL again (a duplicate within the feed), then a value that is not a URL (line 10).
  '"1004","2025-05-30 10:00:00","http://198.51.100.10/bins/mozi.m","online","2025-05-31 10:00:00","malware_download","elf,Mozi","https://urlhaus.abuse.ch/url/1001/","reporter1"',
  '"1005","2025-05-30 14:00:00","http://","online","","malware_download","","https://urlhaus.abuse.ch/url/1005/","reporter4"',
  '',
].join('\r\n')

describe('importing local files', () => {
  let t: TestCore
  beforeEach(async () => {
    t = await openTestCore()
  })
  afterEach(async () => {
    await t.close()
  })

  it('imports a URLhaus dump with exact counts, and a second run changes nothing', async () => {
    const path = writeFile(t.dataDir, 'urlhaus.csv', URLHAUS)
    const first = await t.core.call('feeds.importFile', { path, format: 'urlhaus-csv' })
    expect(countsOf(first)).toEqual({
      status: 'succeeded',
      rows: 5,
      created: 3,
      updated: 0,
      unchanged: 0,
      duplicates: 1,
      rejected: 1,
      byType: { url: 3 },
    })
    expect(first).toMatchObject({
      trigger: 'import',
      source: 'urlhaus.csv',
      format: 'urlhaus-csv',
      feedId: null,
    })
    const detail = await t.core.call('feeds.getRun', { id: first.id })
    expect(detail.rejects).toHaveLength(1)
    expect(detail.rejects[0]?.line).toBe(10)
    expect(countRows(t.core, 'indicators')).toBe(3)
    expect(countRows(t.core, 'observations')).toBe(3)

    const second = await t.core.call('feeds.importFile', { path, format: 'urlhaus-csv' })
    expect(countsOf(second)).toEqual({
      status: 'succeeded',
      rows: 5,
      created: 0,
      updated: 0,
      unchanged: 3,
      duplicates: 1,
      rejected: 1,
      byType: { url: 3 },
    })
    // The same source again: its observations are refreshed, not added.
    expect(countRows(t.core, 'observations')).toBe(3)
  })

  it('keeps what the source said on the observation, next to the canonical indicator', async () => {
    const path = writeFile(t.dataDir, 'urlhaus.csv', URLHAUS)
    await t.core.call('feeds.importFile', { path, format: 'urlhaus-csv', name: 'URLhaus dump' })
    const found = await t.core.call('indicators.lookup', {
      type: 'url',
      value: 'http://198.51.100.10/bins/mozi.m',
    })
    if (!found) throw new Error('indicator not imported')
    const { items, total } = await t.core.call('observations.list', { indicatorId: found.id })
    expect(total).toBe(1)
    expect(items[0]).toMatchObject({
      source: 'URLhaus dump',
      feedId: null,
      threatType: 'malware_download',
      firstSeen: '2025-05-30T10:00:00.000Z',
    })
    expect(items[0]?.tags).toEqual(expect.arrayContaining(['elf', 'Mozi']))
    expect(items[0]?.raw).not.toBeNull()
  })

  it('imports dropped text with the format detected, and reports progress and the finish', async () => {
    const finished = nextEvent(t.core, 'feeds.onDidFinishRun')
    const progress = nextEvent(t.core, 'feeds.onDidProgress')
    const run = await t.core.call('feeds.importText', {
      content: URLHAUS,
      fileName: 'csv.txt',
      format: 'auto',
    })
    expect(run.format).toBe('urlhaus-csv')
    expect(run.created).toBe(3)
    expect((await finished).run).toEqual(run)
    expect((await progress).runId).toBe(run.id)
    expect(
      await t.core.call('feeds.detectFormat', { head: URLHAUS.slice(0, 2000), fileName: 'x.csv' }),
    ).toEqual({
      format: 'urlhaus-csv',
    })
  })

  it('lists the first 1,000 rejects of a run and counts them all', async () => {
    const lines = Array.from({ length: 1200 }, (_, i) => `nonsense${i}`)
    lines.push('198.51.100.77')
    const path = writeFile(t.dataDir, 'bad.txt', lines.join('\n'))
    const run = await t.core.call('feeds.importFile', { path, format: 'text' })
    expect(countsOf(run)).toMatchObject({
      status: 'succeeded',
      rows: 1201,
      created: 1,
      rejected: 1200,
    })
    const detail = await t.core.call('feeds.getRun', { id: run.id })
    expect(detail.rejects).toHaveLength(1000)
    expect(detail.rejects[0]).toMatchObject({ line: 1, value: 'nonsense0' })
    expect(detail.rejects[999]?.line).toBe(1000)
  })

  it('reads UTF-16 files with a byte-order mark, little- and big-endian', async () => {
    const text = '203.0.113.50\nbad.example.test\n198.51.100.7\n'
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const be = Buffer.from(le)
    be.swap16() // the BOM swaps too: FE FF
    for (const [name, bytes] of [
      ['windows-le.txt', le],
      ['windows-be.txt', be],
    ] as const) {
      const run = await t.core.call('feeds.importFile', {
        path: writeFile(t.dataDir, name, bytes),
        format: 'auto',
      })
      expect(countsOf(run), name).toMatchObject({ status: 'succeeded', rows: 3, rejected: 0 })
    }
    const found = await t.core.call('indicators.lookup', { value: '198.51.100.7' })
    expect(found?.value).toBe('198.51.100.7')
  })

  it('rejects only the lines of a text list that hold a NUL byte', async () => {
    const path = writeFile(t.dataDir, 'nul.txt', '203.0.113.60\n198.51.\u0000100.8\nevil.example\n')
    const run = await t.core.call('feeds.importFile', { path, format: 'auto' })
    expect(countsOf(run)).toMatchObject({ status: 'succeeded', rows: 3, created: 2, rejected: 1 })
    const detail = await t.core.call('feeds.getRun', { id: run.id })
    expect(detail.rejects).toEqual([
      expect.objectContaining({ line: 2, reason: 'the line holds a NUL byte' }),
    ])
  })

  it('says an empty file is empty', async () => {
    const run = await t.core.call('feeds.importFile', {
      path: writeFile(t.dataDir, 'empty.txt', ''),
      format: 'auto',
    })
    expect(run.status).toBe('failed')
    expect(run.error).toBe('empty.txt is empty: there is nothing to import')
  })

  it('keeps a STIX indicator over the object limit because of its description, and says so', async () => {
    const at = '2024-04-01T00:00:00.000Z'
    const pasted = `Full incident write-up. ${'The actor staged tooling on shared hosting. '.repeat(40_000)}`
    const bundle = {
      type: 'bundle',
      id: 'bundle--00000000-0000-4000-8000-000000000000',
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--00000000-0000-4000-8000-000000000001',
          created: at,
          modified: at,
          valid_from: at,
          pattern_type: 'stix',
          pattern: "[domain-name:value = 'staging.evil.example']",
          description: pasted,
        },
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--00000000-0000-4000-8000-000000000002',
          created: at,
          modified: at,
          valid_from: at,
          pattern_type: 'stix',
          pattern: `[url:value = 'http://evil.example/${'a'.repeat(1_100_000)}']`,
        },
      ],
    }
    const path = writeFile(t.dataDir, 'oversized.json', JSON.stringify(bundle))
    const run = await t.core.call('feeds.importFile', { path, format: 'stix-bundle' })
    expect(countsOf(run)).toMatchObject({ status: 'succeeded', created: 1, rejected: 1 })
    const detail = await t.core.call('feeds.getRun', { id: run.id })
    expect(detail.notes).toEqual([
      {
        line: 1,
        message: expect.stringMatching(
          /^object 1 \(indicator--0{8}-0000-4000-8000-0{11}1\) is 1\.\d MiB, over the limit: kept, with its long description cut to 32\.0 KiB$/,
        ),
      },
    ])
    expect(detail.rejects).toEqual([
      {
        line: 2,
        value: '',
        reason: expect.stringMatching(/^object 2 is larger than the 1048576 byte limit/),
      },
    ])
    const found = await t.core.call('indicators.lookup', { value: 'staging.evil.example' })
    expect(found?.description).toMatch(/^Full incident write-up\. The actor/)
  })

  it('fails an import with a reason when the file is missing, and lists it in history', async () => {
    const run = await t.core.call('feeds.importFile', {
      path: `${t.dataDir}/nope.csv`,
      format: 'urlhaus-csv',
    })
    expect(run.status).toBe('failed')
    expect(run.error).toContain('nope.csv')
    const { items } = await t.core.call('feeds.runs', {})
    expect(items.map((r) => r.id)).toContain(run.id)
  })

  it('a batch that fails leaves only whole batches behind, and a re-run completes', async () => {
    await t.close()
    t = await openTestCore({ batchSize: 3 })
    const lines = Array.from({ length: 10 }, (_, i) => `198.51.100.${i + 1}`)
    const path = writeFile(t.dataDir, 'ips.txt', lines.join('\n') + '\n')
    // A real failure inside the third batch's transaction (records 7-9): SQLite aborts it.
    t.core.db.sqlite.exec(`CREATE TRIGGER boom BEFORE INSERT ON observations
      WHEN (SELECT value FROM indicators WHERE id = NEW.indicator_id) = '198.51.100.8'
      BEGIN SELECT RAISE(ABORT, 'boom'); END`)
    const crashed = await t.core.call('feeds.importFile', { path, format: 'text' })
    expect(crashed.status).toBe('failed')
    expect(crashed.error).toContain('boom')
    expect(crashed.error).toContain('2 batch(es) committed')
    expect(countRows(t.core, 'indicators')).toBe(6)
    expect(countRows(t.core, 'observations')).toBe(6)
    expect(crashed.created).toBe(6)

    t.core.db.sqlite.exec('DROP TRIGGER boom')
    const rerun = await t.core.call('feeds.importFile', { path, format: 'text' })
    expect(countsOf(rerun)).toEqual({
      status: 'succeeded',
      rows: 10,
      created: 4,
      updated: 0,
      unchanged: 6,
      duplicates: 0,
      rejected: 0,
      byType: { ip: 10 },
    })
    expect(countRows(t.core, 'indicators')).toBe(10)
  })

  it('cancels a running import between batches and keeps the committed ones', async () => {
    await t.close()
    t = await openTestCore({ batchSize: 1000 })
    const lines: string[] = []
    for (let i = 0; i < 200_000; i++)
      lines.push(`10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`)
    const path = writeFile(t.dataDir, 'many.txt', lines.join('\n'))
    const started = await t.core.call('feeds.importFile', { path, format: 'text', wait: false })
    await nextEvent(t.core, 'feeds.onDidProgress', (p) => p.runId === started.id && p.rows > 0)
    const finished = nextEvent(t.core, 'feeds.onDidFinishRun', (p) => p.run.id === started.id)
    await t.core.call('feeds.cancel', { runId: started.id })
    const { run } = await finished
    expect(run.status).toBe('cancelled')
    expect(run.created).toBeLessThan(200_000)
    expect(run.created % 1000).toBe(0)
    expect(countRows(t.core, 'indicators')).toBe(run.created)
    await expect(t.core.call('feeds.cancel', { runId: started.id })).rejects.toThrow(/not running/)
  })
})
