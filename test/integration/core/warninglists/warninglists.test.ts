import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestCore, appErrorOf, queryPlan, type TestCore } from '../db/core-fixture'
import { TEST_LISTS, listFile, storedHits } from './warninglists-support'

let t: TestCore
beforeEach(async () => {
  t = await openTestCore()
})
afterEach(async () => {
  await t.dispose()
})

const importText = (content: string) =>
  t.core.call('feeds.importText', { content, fileName: 'iocs.txt', format: 'text' })

describe('warninglists.import', () => {
  it('refuses a bad file naming the file and the field, and keeps the good ones', async () => {
    const r = await t.core.call('warninglists.import', {
      files: [
        TEST_LISTS[0],
        { name: 'broken/list.json', content: '{"name": "x", ' },
        listFile('No type', 'colour', ['a']),
        listFile('Bad entries', 'cidr', ['10.0.0.0/8', 'not-a-net', 42]),
        listFile('List of RFC 1918 private IPv4 networks', 'cidr', ['10.0.0.0/8']),
        listFile('Office networks', 'cidr', ['1.2.3.0/24']),
      ],
    })
    expect(r.imported.map((l) => [l.name, l.entryCount, l.source, l.enabled])).toEqual([
      ['Office networks', 1, 'imported', true],
      ['Bad entries', 1, 'imported', true],
    ])
    expect(r.errors).toEqual([
      expect.objectContaining({ file: 'broken/list.json', field: '(file)' }),
      expect.objectContaining({ file: 'no-type/list.json', field: 'type' }),
      expect.objectContaining({
        file: 'list-of-rfc-1918-private-ipv4-networks/list.json',
        field: 'name',
        message: expect.stringMatching(/built-in/) as string,
      }),
      expect.objectContaining({
        file: 'office-networks/list.json',
        field: 'name',
        message: expect.stringMatching(/another file in this import/) as string,
      }),
    ])
    expect(r.issues.map((i) => [i.file, i.field])).toEqual([
      ['bad-entries/list.json', 'list[1]'],
      ['bad-entries/list.json', 'list[2]'],
    ])
    const all = (await t.core.call('warninglists.list', {})).items
    expect(all.filter((l) => l.source === 'builtin').length).toBe(10)
    // Imported lists follow the built-ins, by import time, then name.
    expect(all.filter((l) => l.source === 'imported').map((l) => l.name)).toEqual([
      'Bad entries',
      'Office networks',
    ])
    // Logged, one entry per list.
    const log = await t.core.call('audit.list', { entity: 'warninglist', limit: 10 })
    expect(log.items.map((e) => e.operation)).toEqual(['import', 'import'])
  })

  it('a second import of a list with the same name replaces it and keeps its id and state', async () => {
    const [first] = (await t.core.call('warninglists.import', { files: [TEST_LISTS[1]] })).imported
    await t.core.call('warninglists.setEnabled', { id: first.id, enabled: false })
    const again = await t.core.call('warninglists.import', {
      files: [
        listFile('Corp hosts', 'hostname', ['benign-corp.net', 'corp-cdn.net'], undefined, {
          version: 2,
        }),
      ],
    })
    expect(again.imported).toEqual([
      expect.objectContaining({ id: first.id, version: 2, entryCount: 2, enabled: false }),
    ])
  })

  it('survives a restart: imported content and states come from the database', async () => {
    await t.core.call('warninglists.import', { files: [TEST_LISTS[1]] })
    await t.core.call('warninglists.setEnabled', {
      id: 'builtin:rfc1918-private-ipv4',
      enabled: false,
    })
    const dir = t.dir
    await t.core.stop()
    const reopened = await openTestCore(dir)
    try {
      const r = await reopened.core.call('warninglists.check', {
        values: [{ value: 'www.benign-corp.net' }, { value: '10.1.2.3' }],
      })
      expect(r.results.map((x) => x.hits.map((h) => h.listName))).toEqual([['Corp hosts'], []])
    } finally {
      await reopened.core.stop()
    }
    // The fixture's own core is stopped already; dispose only removes the directory.
    t = { ...t, dispose: () => reopened.dispose() }
  })
})

describe('warninglists.check and setEnabled', () => {
  it('checks values against the enabled lists; a disabled list stops hitting and its hits go', async () => {
    await t.core.call('warninglists.import', { files: TEST_LISTS })
    const check = async (value: string) =>
      (await t.core.call('warninglists.check', { value })).results[0]
    expect(await check('10.9.8.7')).toMatchObject({
      type: 'ip',
      canonical: '10.9.8.7',
      hits: [
        {
          listId: 'builtin:rfc1918-private-ipv4',
          listName: 'List of RFC 1918 private IPv4 networks',
          entry: '10.0.0.0/8',
        },
      ],
      allowlisted: false,
    })
    expect((await check('185.199.109.153')).hits.map((h) => h.entry)).toEqual(['185.199.108.0/22'])
    expect((await check('not an indicator at all')).reason).toBeTruthy()

    await importText('10.9.8.7\n192.168.1.1')
    expect(storedHits(t.core, '10.9.8.7').count).toBe(1)
    const off = await t.core.call('warninglists.setEnabled', {
      id: 'builtin:rfc1918-private-ipv4',
      enabled: false,
    })
    expect(off).toMatchObject({ enabled: false, source: 'builtin', entryCount: 3 })
    expect((await check('10.9.8.7')).hits).toEqual([])
    // Turning a list off drops its hits at once.
    expect(storedHits(t.core, '10.9.8.7')).toMatchObject({ count: 0, lists: [] })
    expect(storedHits(t.core, '192.168.1.1')).toMatchObject({ count: 0, lists: [] })
    const on = await t.core.call('warninglists.setEnabled', {
      id: 'builtin:rfc1918-private-ipv4',
      enabled: true,
    })
    expect(on.enabled).toBe(true)
    expect((await check('10.9.8.7')).hits).toHaveLength(1)
    const err = await appErrorOf(
      t.core.call('warninglists.setEnabled', { id: 'builtin:nope', enabled: true }),
    )
    expect(err.code).toBe('not_found')
  })

  it('removes imported lists with their hits, and refuses to remove a built-in', async () => {
    const { imported } = await t.core.call('warninglists.import', { files: [TEST_LISTS[1]] })
    await importText('cdn.benign-corp.net')
    expect(storedHits(t.core, 'cdn.benign-corp.net').count).toBe(1)
    await t.core.call('warninglists.remove', { id: imported[0].id })
    expect(storedHits(t.core, 'cdn.benign-corp.net')).toMatchObject({ count: 0, lists: [] })
    const err = await appErrorOf(
      t.core.call('warninglists.remove', { id: 'builtin:rfc1918-private-ipv4' }),
    )
    expect(err.code).toBe('invalid_input')
    expect(err.message).toMatch(/^id: .*built-in/)
  })
})

describe('hits at ingest', () => {
  it('stores the count and the hits of every record of a run, for cidr, hostname, substring and regex lists', async () => {
    await t.core.call('warninglists.import', { files: TEST_LISTS })
    const run = await importText(
      [
        '10.1.2.3',
        '185.199.110.5',
        'www.benign-corp.net',
        'notbenign-corp.net',
        'http://shop.example.org/?utm_source=mail',
        'http://update.vendor.org/pkg.bin',
        'http://198.51.100.7/a',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        '45.67.89.10',
      ].join('\n'),
    )
    expect(run).toMatchObject({ status: 'succeeded', created: 9, allowlisted: 0 })
    const hits = (v: string) => {
      const s = storedHits(t.core, v)
      return [s.count, s.lists.map((l) => `${l.list_name}: ${l.entry}`)]
    }
    expect(hits('10.1.2.3')).toEqual([1, ['List of RFC 1918 private IPv4 networks: 10.0.0.0/8']])
    expect(hits('185.199.110.5')).toEqual([1, ['Office networks: 185.199.108.0/22']])
    expect(hits('www.benign-corp.net')).toEqual([1, ['Corp hosts: benign-corp.net']])
    expect(hits('notbenign-corp.net')).toEqual([0, []])
    // example.org is a reserved domain too: two lists.
    expect(hits('http://shop.example.org/?utm_source=mail')[0]).toBe(2)
    expect(hits('http://shop.example.org/?utm_source=mail')[1]).toContain(
      'Tracking links: utm_source=',
    )
    expect(hits('http://update.vendor.org/pkg.bin')).toEqual([
      1,
      ['Update servers: /^https?:\\/\\/update\\.[a-z]+\\.org\\//i'],
    ])
    expect(hits('http://198.51.100.7/a')[0]).toBe(1)
    expect(hits('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')[0]).toBe(1)
    expect(hits('45.67.89.10')).toEqual([0, []])

    const id = storedHits(t.core, '10.1.2.3').id
    expect(await t.core.call('warninglists.getHits', { id })).toEqual({
      hits: [
        expect.objectContaining({
          listId: 'builtin:rfc1918-private-ipv4',
          entry: '10.0.0.0/8',
          matchedAt: expect.any(String) as string,
        }),
      ],
      allowlisted: false,
    })
    // An indicator made by hand is checked too.
    await t.core.call('indicators.create', { value: '192.168.44.1' })
    expect(storedHits(t.core, '192.168.44.1').count).toBe(1)
    // indicators.bulkCreate goes through the same screen.
    await t.core.call('indicators.bulkCreate', { text: 'mail.benign-corp.net' })
    expect(storedHits(t.core, 'mail.benign-corp.net').count).toBe(1)
    // Deleting the indicator deletes its hits.
    await t.core.call('indicators.delete', { id })
    expect(
      t.core.db.sqlite
        .prepare('SELECT count(*) FROM indicator_warninglist_hits WHERE indicator_id = ?')
        .pluck()
        .get(id),
    ).toBe(0)
  })

  it('a later run of a value whose hits changed updates the count', async () => {
    await importText('cdn.benign-corp.net')
    expect(storedHits(t.core, 'cdn.benign-corp.net').count).toBe(0)
    await t.core.call('warninglists.import', { files: [TEST_LISTS[1]] })
    const run = await importText('cdn.benign-corp.net')
    expect(run).toMatchObject({ updated: 1 })
    expect(storedHits(t.core, 'cdn.benign-corp.net')).toMatchObject({
      count: 1,
      lists: [{ list_name: 'Corp hosts', entry: 'benign-corp.net' }],
    })
  })
})

describe('warninglists.rescan', () => {
  it('recomputes every indicator as a job with progress, and only writes what changed', async () => {
    const values = Array.from({ length: 120 }, (_, i) => `h${i}.benign-corp.net`)
    await importText([...values, '10.0.0.1', '45.67.89.10'].join('\n'))
    expect(storedHits(t.core, 'h0.benign-corp.net').count).toBe(0)
    await t.core.call('warninglists.import', { files: [TEST_LISTS[1]] })
    await t.core.call('warninglists.setEnabled', {
      id: 'builtin:rfc1918-private-ipv4',
      enabled: false,
    })
    const progress: number[] = []
    t.core.events.on('jobs.onDidProgress', ({ job }) => progress.push(job.progress.done))
    const job = await t.core.call('jobs.start', { kind: 'warninglists.rescan', input: {} })
    const done = await t.core.jobs.settled(job.id)
    expect(done.error).toBeNull()
    expect(done).toMatchObject({
      status: 'succeeded',
      result: { scanned: 122, withHits: 120, changed: 120 },
      progress: { done: 122, total: 122 },
    })
    expect(storedHits(t.core, 'h7.benign-corp.net')).toMatchObject({
      count: 1,
      lists: [{ list_name: 'Corp hosts', entry: 'benign-corp.net' }],
    })
    expect(storedHits(t.core, '10.0.0.1').count).toBe(0)
    expect(progress.length).toBeGreaterThan(0)
    // Nothing changed since: a second rescan writes nothing.
    expect(await t.core.call('warninglists.rescan', {})).toEqual({
      scanned: 122,
      withHits: 120,
      changed: 0,
    })
  })
})

describe('the hits table', () => {
  it('is read by indicator rowid through its primary key (one B-tree, no rowid)', () => {
    const byIndicator = queryPlan(
      t.core,
      'SELECT list_id, entry FROM indicator_warninglist_hits WHERE indicator_rowid = ?',
      [1],
    )
    expect(byIndicator.join('\n')).toMatch(/SEARCH indicator_warninglist_hits USING PRIMARY KEY/)
  })
})
