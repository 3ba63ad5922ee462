import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createSearchIndexWriter } from '#core/db/bulk/indicator-search-index'
import { createSearchApplier } from '#core/db/search/search-apply'
import { openSearchFile } from '#core/db/search/search-file'
import { createSearchIndexer, type SearchIndexer } from '#core/db/search/search-indexer'
import { openTestCore, type TestCore } from './core-fixture'
import { databaseAt0002, searchState, vocabulary } from './search-support'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const open = async (dir?: string): Promise<TestCore> => {
  const t = await openTestCore(dir)
  cleanups.push(() => t.dispose())
  return t
}

const mainFile = (t: TestCore) => join(t.dir, 'threateye.sqlite')
const searchFile = (t: TestCore) => join(t.dir, 'search.sqlite')

/** Rowids the index matches (read on the core's connection, where search.sqlite is attached). */
const matches = (t: TestCore, match: string): number[] =>
  t.core.db.sqlite
    .prepare('SELECT rowid FROM search.indicators_fts WHERE indicators_fts MATCH ? ORDER BY rowid')
    .pluck()
    .all(match) as number[]

const caughtUp = async (t: TestCore) => expect(await t.core.search.catchUp(60_000)).toBe(true)

const items = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({
    type: 'domain' as const,
    value: `${prefix}${i}.example`,
    tags: [`${prefix}-tag`],
  }))

const rowidOf = (t: TestCore, value: string) =>
  t.core.db.sqlite.prepare('SELECT rowid FROM indicators WHERE value = ?').pluck().get(value) as
    number | undefined

/** The index after every logged change, and the same index rebuilt from the table, hold the same rows. */
const expectEqualToRebuild = async (t: TestCore) => {
  await caughtUp(t)
  const incremental = vocabulary(t.core.db.sqlite, 'search')
  createSearchIndexWriter(t.core.db.sqlite).rebuild()
  await caughtUp(t)
  const rebuilt = vocabulary(t.core.db.sqlite, 'search')
  expect(rebuilt.length).toBeGreaterThan(0)
  expect(incremental).toEqual(rebuilt)
}

describe('search indexer (search.sqlite, built by a worker from search_log)', () => {
  it('indexes a bulk import from one log entry per batch', async () => {
    const t = await open()
    await t.core.call('indicators.bulkCreate', { items: items(3000, 'bulk') })
    const log = t.core.db.sqlite.prepare('SELECT kind, from_rowid, to_rowid FROM search_log').all()
    expect(log).toEqual([{ kind: 'range', from_rowid: 1, to_rowid: 3000 }])
    await caughtUp(t)
    expect(matches(t, '"bulk tag"')).toHaveLength(3000)
    expect(matches(t, '"bulk1234 example"')).toEqual([rowidOf(t, 'bulk1234.example')])
    const page = await t.core.call('indicators.search', { q: 'bulk2999', limit: 10 })
    expect(page.items.map((i) => i.value)).toEqual(['bulk2999.example'])
    expect(t.core.search.status()).toMatchObject({ pending: 0, rebuilding: false, running: true })
  })

  it('an edit is found by its new text and not its old one, at once (read-your-writes)', async () => {
    const t = await open()
    const created = await t.core.call('indicators.create', {
      value: 'edit.example',
      description: 'sunflower campaign',
    })
    // No explicit wait: the search handler waits for the index to take in the writes made so far.
    let found = await t.core.call('indicators.search', { q: 'sunflower', limit: 10 })
    expect(found.items.map((i) => i.id)).toEqual([created.id])
    await t.core.call('indicators.update', {
      id: created.id,
      patch: { description: 'marigold campaign' },
    })
    found = await t.core.call('indicators.search', { q: 'marigold', limit: 10 })
    expect(found.items.map((i) => i.id)).toEqual([created.id])
    expect(matches(t, '"sunflower"')).toEqual([])
    const listed = await t.core.call('indicators.list', { filter: { q: 'marigold' } })
    expect(listed.items.map((i) => i.id)).toEqual([created.id])
    // An IDN host is indexed with its Unicode spelling too, as before.
    await t.core.call('indicators.create', { value: 'xn--mnchen-3ya.example' })
    found = await t.core.call('indicators.search', { q: 'münchen', limit: 10 })
    expect(found.items.map((i) => i.value)).toEqual(['xn--mnchen-3ya.example'])
  })

  it('a re-import that changes many rows applies their row entries together, with the same result as a rebuild', async () => {
    const t = await open()
    await t.core.call('indicators.bulkCreate', { items: items(2000, 'group') })
    await caughtUp(t)
    // Every other row gets a new tag and a description: one 'row' log entry each, interleaved with the
    // 'range' entry of the new rows the same batch adds.
    const changed = items(2000, 'group')
      .filter((_, i) => i % 2 === 0)
      .map((it) => ({ ...it, tags: ['regrouped'], description: 'moved to the new cluster' }))
    const report = await t.core.call('indicators.bulkCreate', {
      items: [...changed, ...items(500, 'fresh')],
    })
    expect(report).toMatchObject({ created: 500, updated: 1000 })
    const kinds = t.core.db.sqlite
      .prepare(
        'SELECT kind, count(*) AS n FROM search_log WHERE seq > 1 GROUP BY kind ORDER BY kind',
      )
      .all()
    expect(kinds).toEqual([
      { kind: 'range', n: 1 },
      { kind: 'row', n: 1000 },
    ])
    await caughtUp(t)
    expect(matches(t, 'regrouped')).toHaveLength(1000)
    expect(matches(t, '"new cluster"')).toHaveLength(1000)
    expect(matches(t, '"group tag"')).toHaveLength(2000)
    expect(matches(t, '"fresh tag"')).toHaveLength(500)
    await expectEqualToRebuild(t)
  })

  it('a delete removes the row from the index', async () => {
    const t = await open()
    const a = await t.core.call('indicators.create', { value: 'gone.example' })
    await t.core.call('indicators.create', { value: 'stays.example' })
    await caughtUp(t)
    expect(matches(t, '"gone"')).toHaveLength(1)
    await t.core.call('indicators.delete', { id: a.id })
    expect((await t.core.call('indicators.search', { q: 'gone', limit: 10 })).items).toEqual([])
    expect(matches(t, '"gone"')).toEqual([])
    expect(matches(t, '"stays"')).toHaveLength(1)
    await expectEqualToRebuild(t)
  })

  // SQLite gives a new row max(rowid)+1, so deleting the last row and inserting another reuses its rowid.
  // The worker is stopped here and the log applied by hand, so the interleaving is chosen, not raced.
  for (const applyBetween of [false, true]) {
    it(`a reused rowid ends with the new row's text only (applied ${applyBetween ? 'after each write' : 'once, after all'})`, async () => {
      const t = await open()
      await t.core.search.stop()
      const search = openSearchFile({ file: searchFile(t), mainFile: mainFile(t) })
      cleanups.push(() => {
        search.db.close()
      })
      const applier = createSearchApplier(search.db, { chunkRows: 1 })
      const drain = () => {
        while (applier.step().worked) {
          // next step
        }
      }
      const apply = applyBetween ? drain : () => undefined
      await t.core.call('indicators.create', { value: 'first.example' })
      apply()
      const last = await t.core.call('indicators.create', {
        value: 'oldtenant.example',
        description: 'old words',
      })
      apply()
      const reused = rowidOf(t, 'oldtenant.example')
      await t.core.call('indicators.delete', { id: last.id })
      apply()
      const newTenant = await t.core.call('indicators.create', {
        value: 'newtenant.example',
        description: 'new words',
      })
      expect(rowidOf(t, 'newtenant.example')).toBe(reused)
      drain()
      expect(applier.progress()).toMatchObject({ partial: false, rebuilding: false })
      expect(matches(t, '"oldtenant" OR "old"')).toEqual([])
      expect(matches(t, '"newtenant"')).toEqual([reused])
      expect(matches(t, '"new" AND "words"')).toEqual([reused])
      // A row indexed twice would not show yet (the newer copy hides the older); changing it shows it.
      const tenant = await t.core.call('indicators.get', { id: newTenant.id })
      await t.core.call('indicators.update', { id: tenant.id, patch: { description: 'renamed' } })
      drain()
      expect(matches(t, '"new" OR "words"')).toEqual([])
      expect(matches(t, '"renamed"')).toEqual([reused])
      await t.core.call('indicators.delete', { id: tenant.id })
      drain()
      expect(matches(t, '"newtenant" OR "renamed"')).toEqual([])
      // Same rows as a rebuild from the table.
      const incremental = vocabulary(search.db, 'main')
      expect(incremental.map((v) => v.term)).toContain('first')
      createSearchIndexWriter(t.core.db.sqlite).rebuild()
      drain()
      expect(vocabulary(search.db, 'main')).toEqual(incremental)
    })
  }

  for (const how of ['stop', 'terminate'] as const) {
    it(`resumes where it was after a ${how === 'stop' ? 'stop' : 'crash'} mid-way, and indexes nothing twice`, async () => {
      const t = await open()
      await t.core.search.stop()
      await t.core.call('indicators.bulkCreate', { items: items(6000, 'crash') })
      // Another edit in the middle of the log: entries after the big range must wait for it.
      const one = await t.core.call('indicators.lookup', { value: 'crash17.example' })
      expect(one).not.toBeNull()
      await t.core.call('indicators.update', {
        id: one?.id ?? '',
        patch: { description: 'edited later' },
      })
      const start = (): SearchIndexer => {
        const s = createSearchIndexer({
          dataDir: t.dir,
          mainFile: mainFile(t),
          sqlite: t.core.db.sqlite,
          logger: t.logger,
          chunkRows: 10,
        })
        cleanups.push(() => s.stop())
        return s
      }
      const first = start()
      // Subscribed in the same tick as the start: no message from the worker can have arrived yet.
      const halfway = new Promise<void>((resolve) => {
        const off = first.onDidProgress((p) => {
          if (!p.partial) return
          off()
          resolve()
        })
      })
      await first.ready
      await halfway
      if (how === 'stop') await first.stop()
      else await first.terminate()
      // It stopped inside the import's range: that range is half applied, the edit's entry after it not
      // at all (row 18 may already hold the edited text: a range reads rows as they are now).
      const state = searchState(searchFile(t))
      expect(state.rebuild_cursor).toBeNull()
      expect(state.range_cursor).toBeGreaterThan(0)
      expect(state.range_cursor).toBeLessThan(6000)
      expect(state.seq).toBeLessThan(t.core.search.status().logSeq)
      expect(matches(t, '"crash tag"').length).toBeLessThan(6000)

      const second = start()
      expect(await second.catchUp(60_000)).toBe(true)
      expect(matches(t, '"crash tag"')).toHaveLength(6000)
      expect(matches(t, '"edited" AND "later"')).toEqual([rowidOf(t, 'crash17.example')])
      await second.stop()

      // The core's own indexer takes over again for the rebuild comparison.
      await t.core.stop()
      cleanups.splice(0)
      const again = await open(t.dir)
      await expectEqualToRebuild(again)
    })
  }

  it('rebuilds search.sqlite when it is deleted or unreadable', async () => {
    const t = await open()
    await t.core.call('indicators.bulkCreate', { items: items(500, 'kept') })
    await caughtUp(t)
    await t.core.stop()
    cleanups.splice(0)
    for (const damage of ['delete', 'garbage'] as const) {
      const file = join(t.dir, 'search.sqlite')
      rmSync(file, { force: true })
      if (damage === 'garbage') writeFileSync(file, Buffer.alloc(8192, 0x5a))
      const again = await openTestCore(t.dir)
      try {
        await caughtUp(again)
        expect(matches(again, '"kept tag"')).toHaveLength(500)
        const created = again.logger.lines.filter((l) => l.includes('search index created'))
        expect(created).toEqual([
          expect.stringContaining(damage === 'delete' ? '"reason":"missing"' : 'unreadable'),
        ])
      } finally {
        await again.core.stop()
      }
    }
    rmSync(t.dir, { recursive: true, force: true })
  })

  it('indexes the indicators of a database upgraded from the in-file index (migration 0003)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'te-'))
    await databaseAt0002(join(dir, 'threateye.sqlite'), 700)
    const t = await open(dir)
    await caughtUp(t)
    expect(matches(t, '"legacy words"')).toHaveLength(700)
    const found = await t.core.call('indicators.search', { q: 'legacy699', limit: 10 })
    expect(found.items.map((i) => i.value)).toEqual(['legacy699.example'])
    await expectEqualToRebuild(t)
  })

  it('catchUp reports false when the index cannot catch up, rather than hang', async () => {
    const t = await open()
    await t.core.search.stop()
    createSearchIndexWriter(t.core.db.sqlite).rebuild()
    // Stopped: the entry cannot be applied, so the wait gives up rather than hang.
    expect(await t.core.search.catchUp(50)).toBe(false)
    expect(t.core.search.status()).toMatchObject({ running: false })
    expect(t.core.search.status().pending).toBeGreaterThan(0)
  })
})
