import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createSearchIndexWriter } from '#core/db/bulk/indicator-search-index'
import { createSearchApplier } from '#core/db/search/search-apply'
import { openSearchFile } from '#core/db/search/search-file'
import { openTestCore, type TestCore } from './core-fixture'

// A search that cannot see every row says so: while the index trails the table (its worker paused, a
// rebuild under way), indicators.search and the text filters of list/listAt/count answer partial: true
// with how far the index has got, and partial: false once it has caught up.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const open = async (dir?: string): Promise<TestCore> => {
  const t = await openTestCore(dir)
  cleanups.push(() => t.dispose())
  return t
}

const items = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({
    type: 'domain' as const,
    value: `${prefix}${i}.example`,
    tags: [`${prefix}-tag`],
  }))

describe('search while the index is behind', () => {
  it('answers partial with progress while rows wait to be indexed, complete after the index caught up', async () => {
    const t = await open()
    await t.core.call('indicators.bulkCreate', { items: items(300, 'old') })
    await t.core.waitForIdle()
    const before = await t.core.call('indicators.search', { q: 'old7.example', limit: 10 })
    expect(before).toMatchObject({ partial: false, indexProgress: null })
    expect(before.items.map((i) => i.value)).toEqual(['old7.example'])

    // The indexer paused: 200 new rows are in the table and the log, not in the index.
    await t.core.search.stop()
    await t.core.call('indicators.bulkCreate', { items: items(200, 'new') })
    const missed = await t.core.call('indicators.search', { q: 'new7.example', limit: 10 })
    expect(missed).toMatchObject({
      items: [],
      partial: true,
      indexProgress: { indexed: 300, total: 500 },
    })
    // Any search says so, even one that found what it looked for.
    expect(await t.core.call('indicators.search', { q: 'old7.example', limit: 10 })).toMatchObject({
      partial: true,
      indexProgress: { indexed: 300, total: 500 },
    })
    // The text filters of the table's calls too; a filter without text does not involve the index.
    const filter = { q: 'new7.example' }
    expect(await t.core.call('indicators.count', { filter })).toEqual({
      total: 0,
      partial: true,
      indexProgress: { indexed: 300, total: 500 },
    })
    expect(
      await t.core.call('indicators.list', { filter: { tag: 'new-tag' }, limit: 5 }),
    ).toMatchObject({ partial: true, indexProgress: { indexed: 300, total: 500 } })
    expect(await t.core.call('indicators.listAt', { filter, offset: 0, limit: 5 })).toMatchObject({
      partial: true,
    })
    expect(await t.core.call('indicators.count', {})).toEqual({ total: 500 })

    // A core on the same data whose indexer runs: once idle, complete.
    await t.core.stop()
    cleanups.splice(0)
    const again = await open(t.dir)
    await again.core.waitForIdle()
    const found = await again.core.call('indicators.search', { q: 'new7.example', limit: 10 })
    expect(found).toMatchObject({ partial: false, indexProgress: null })
    expect(found.items.map((i) => i.value)).toEqual(['new7.example'])
    expect(await again.core.call('indicators.count', { filter })).toEqual({
      total: 1,
      partial: false,
      indexProgress: null,
    })
  })

  it('counts a rebuild from nothing, and how far a rebuild under way has got', async () => {
    const t = await open()
    await t.core.call('indicators.bulkCreate', { items: items(400, 'row') })
    await t.core.waitForIdle()
    await t.core.search.stop()
    createSearchIndexWriter(t.core.db.sqlite).rebuild()
    // Queued, not started: nothing counts as indexed (the old index still answers until it starts).
    expect(await t.core.call('indicators.search', { q: 'row1', limit: 10 })).toMatchObject({
      partial: true,
      indexProgress: { indexed: 0, total: 400 },
    })

    // The log applied by hand, 10 rows a step, so the rebuild stops exactly where the test says.
    const search = openSearchFile({
      file: join(t.dir, 'search.sqlite'),
      mainFile: join(t.dir, 'threateye.sqlite'),
    })
    cleanups.push(async () => {
      search.db.close()
    })
    const applier = createSearchApplier(search.db, { chunkRows: 10 })
    for (let i = 0; i < 6; i++) applier.step() // the rebuild entry, then 5 chunks of 10 rows
    expect(applier.progress()).toMatchObject({ rebuilding: true })
    expect(await t.core.call('indicators.search', { q: 'row1', limit: 10 })).toMatchObject({
      partial: true,
      indexProgress: { indexed: 50, total: 400 },
    })
    // A range half applied: 100 new rows, 30 of them written.
    while (applier.step().worked) {
      // the rest of the rebuild
    }
    await t.core.call('indicators.bulkCreate', { items: items(100, 'more') })
    for (let i = 0; i < 3; i++) applier.step()
    expect(applier.progress()).toMatchObject({ rebuilding: false, partial: true })
    expect(await t.core.call('indicators.search', { q: 'more1', limit: 10 })).toMatchObject({
      partial: true,
      indexProgress: { indexed: 430, total: 500 },
    })
    while (applier.step().worked) {
      // the rest of the range
    }
    const done = await t.core.call('indicators.search', { q: 'more1.example', limit: 10 })
    expect(done).toMatchObject({ partial: false, indexProgress: null })
    expect(done.items.map((i) => i.value)).toEqual(['more1.example'])
  })
})
