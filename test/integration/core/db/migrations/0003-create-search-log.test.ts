import { describe, expect, it } from 'vitest'
import { CreateSearchLog1763683400000 } from '#core/db/migrations/0003-create-search-log'
import { databaseAt0002 } from '../search-support'
import {
  migrateTo,
  namesOf,
  revert,
  schemaOf,
  useTempDatabaseFile,
  versionOf,
  withSqlite,
} from './migration-support'

const version = versionOf(CreateSearchLog1763683400000)
const tempFile = useTempDatabaseFile()

const indicators = (file: string) =>
  withSqlite(file, (db) => db.prepare('SELECT rowid, * FROM indicators ORDER BY rowid').all())

describe('0003-create-search-log: the search index leaves this file, search_log feeds it', () => {
  it('follows 0002', () => {
    expect(version).toBe(3)
    expect(new CreateSearchLog1763683400000().name).toBe('CreateSearchLog1763683400000')
  })

  it('up on a new database creates search_log keyed by the rowid, drops the in-file index, logs nothing', async () => {
    const file = tempFile()
    await migrateTo(file, version)
    expect(namesOf(file, 'table')).toContain('search_log')
    expect(namesOf(file, 'table').filter((n) => n.startsWith('indicators_fts'))).toEqual([])
    // INTEGER PRIMARY KEY is the rowid itself: no second B-tree to feed per entry.
    expect(namesOf(file, 'index').filter((n) => n.includes('search_log'))).toEqual([])
    withSqlite(file, (db) => {
      const cols = db.prepare('PRAGMA table_info(search_log)').all() as {
        name: string
        type: string
        pk: number
      }[]
      expect(cols.map((c) => [c.name, c.type.toUpperCase(), c.pk])).toEqual([
        ['seq', 'INTEGER', 1],
        ['kind', 'TEXT', 0],
        ['from_rowid', 'INTEGER', 0],
        ['to_rowid', 'INTEGER', 0],
      ])
      expect(db.prepare('SELECT count(*) FROM search_log').pluck().get()).toBe(0)
    })
    // No trigger feeds the log: the writers append to it in their own transactions.
    expect(
      schemaOf(file).filter((o) => o.type === 'trigger' && /search_log/.test(o.sql ?? '')),
    ).toEqual([])
  })

  it('up on a database at 0002 keeps every indicator and queues all of them for indexing', async () => {
    const file = tempFile()
    await databaseAt0002(file, 300)
    expect(namesOf(file, 'table')).toContain('indicators_fts')
    const before = indicators(file)
    expect(await migrateTo(file, version)).toEqual(['CreateSearchLog1763683400000'])
    expect(namesOf(file, 'table').filter((n) => n.startsWith('indicators_fts'))).toEqual([])
    expect(indicators(file)).toEqual(before)
    withSqlite(file, (db) => {
      expect(db.prepare('SELECT kind, from_rowid, to_rowid FROM search_log').all()).toEqual([
        { kind: 'range', from_rowid: 1, to_rowid: 300 },
      ])
    })
  })

  it('down drops search_log and rebuilds the in-file index from the table, data kept', async () => {
    const file = tempFile()
    await databaseAt0002(file, 40)
    const before = indicators(file)
    const tablesBefore = namesOf(file, 'table')
    await migrateTo(file, version)
    await revert(file, version)
    expect(namesOf(file, 'table')).toEqual(tablesBefore)
    expect(indicators(file)).toEqual(before)
    withSqlite(file, (db) => {
      // Refilled from the table: a search finds the rows again, one hit per row.
      expect(
        db
          .prepare(`SELECT count(*) FROM indicators_fts WHERE indicators_fts MATCH 'legacy'`)
          .pluck()
          .get(),
      ).toBe(40)
      expect(
        db
          .prepare(
            `SELECT rowid FROM indicators_fts WHERE indicators_fts MATCH '"legacy7 example"'`,
          )
          .pluck()
          .all(),
      ).toEqual([8])
      const config = db.prepare('SELECT k, v FROM indicators_fts_config ORDER BY k').all()
      expect(config).toEqual(
        expect.arrayContaining([
          { k: 'automerge', v: 0 },
          { k: 'hashsize', v: 4194304 },
        ]),
      )
    })
  })
})
