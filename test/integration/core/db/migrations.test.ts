import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '#shared/contract/errors'
import { openDatabase } from '#core/db/data-source'
import { CreateIndicators1763683200000 } from '#core/db/migrations/0001-create-indicators'
import { CreateSearchLog1763683400000 } from '#core/db/migrations/0003-create-search-log'
import { createMemoryLogger } from '#core/platform/logger'
import { databaseAt0002 } from './search-support'

const dirs: string[] = []
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'te-'))
  dirs.push(dir)
  return join(dir, 'threateye.sqlite')
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const names = (file: string, type: string): string[] => {
  const db = new Database(file, { readonly: true })
  try {
    return (
      db.prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').all(type) as {
        name: string
      }[]
    ).map((r) => r.name)
  } finally {
    db.close()
  }
}

describe('migration 0001 (indicators, projects, settings, search index)', () => {
  it('creates the schema on a fresh database', async () => {
    const file = tempFile()
    const db = await openDatabase({ file, logger: createMemoryLogger() })
    await db.close()
    expect(names(file, 'table')).toEqual(
      expect.arrayContaining(['indicators', 'migrations', 'projects', 'search_log', 'settings']),
    )
    // The search index lives in search.sqlite since 0003, built from search_log by a worker thread.
    expect(names(file, 'table').filter((n) => n.startsWith('indicators_fts'))).toEqual([])
    expect(names(file, 'index')).toEqual(
      expect.arrayContaining([
        'IDX_indicators_last_seen',
        'IDX_indicators_project',
        'IDX_indicators_score',
        'IDX_indicators_updated_at',
      ]),
    )
    const raw = new Database(file, { readonly: true })
    try {
      // No trigger feeds the search index: the writers do (see the migration's comment), and no trigger
      // fires on an indicator insert (a trigger there would make FTS5 flush a segment per row).
      const triggers = raw
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'indicators'")
        .pluck()
        .all() as string[]
      for (const sql of triggers) {
        expect(sql).not.toMatch(/indicators_fts|search_log/)
        expect(sql).not.toMatch(/\b(BEFORE|AFTER)\s+INSERT\b/i)
      }
      const ddl = raw
        .prepare("SELECT sql FROM sqlite_master WHERE name = 'indicators'")
        .pluck()
        .get() as string
      expect(ddl).not.toMatch(/WITHOUT ROWID/i)
      // (type, value) is unique through the id (UUIDv5 of both), not through a second index.
      expect(ddl).not.toMatch(/UNIQUE/)
      expect(ddl).toMatch(/REFERENCES "projects" \("id"\) ON DELETE SET NULL/)
      const applied = raw.prepare('SELECT name FROM migrations').pluck().all()
      expect(applied).toContain(new CreateIndicators1763683200000().name)
      expect(new CreateIndicators1763683200000().name).toBe('CreateIndicators1763683200000')
    } finally {
      raw.close()
    }
  })

  it('re-opening an up-to-date database runs nothing and changes nothing', async () => {
    const file = tempFile()
    await (await openDatabase({ file, logger: createMemoryLogger() })).close()
    const before = names(file, 'table').concat(names(file, 'index'))
    const logger = createMemoryLogger()
    const db = await openDatabase({ file, logger })
    const count = db.sqlite.prepare('SELECT count(*) FROM migrations').pluck().get()
    await db.close()
    expect(logger.lines.filter((l) => l.includes('migrations applied'))).toEqual([])
    expect(names(file, 'table').concat(names(file, 'index'))).toEqual(before)
    expect(count).toBeGreaterThanOrEqual(1)
  })

  it('refuses a database written by a newer version and leaves the file untouched', async () => {
    const file = tempFile()
    await (await openDatabase({ file, logger: createMemoryLogger() })).close()
    const raw = new Database(file)
    raw
      .prepare('INSERT INTO migrations (timestamp, name) VALUES (?, ?)')
      .run(9999999999999, 'FromTheFuture9999999999999')
    raw.pragma('wal_checkpoint(TRUNCATE)')
    raw.close()
    const digest = () => createHash('sha256').update(readFileSync(file)).digest('hex')
    const before = digest()
    const err = await openDatabase({ file, logger: createMemoryLogger() }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('database_too_new')
    expect((err as AppError).message).toContain('FromTheFuture9999999999999')
    expect(digest()).toBe(before)
  })
})

describe('migration 0003 (search log; the index leaves this file)', () => {
  it('creates search_log keyed by the rowid, and logs nothing on a fresh database', async () => {
    const file = tempFile()
    await (await openDatabase({ file, logger: createMemoryLogger() })).close()
    const raw = new Database(file, { readonly: true })
    try {
      const cols = raw.prepare('PRAGMA table_info(search_log)').all() as {
        name: string
        type: string
        pk: number
        notnull: number
      }[]
      expect(cols.map((c) => [c.name, c.type.toUpperCase(), c.pk])).toEqual([
        ['seq', 'INTEGER', 1],
        ['kind', 'TEXT', 0],
        ['from_rowid', 'INTEGER', 0],
        ['to_rowid', 'INTEGER', 0],
      ])
      // INTEGER PRIMARY KEY is the rowid itself: no second B-tree to feed per entry.
      expect(names(file, 'index').filter((n) => n.includes('search_log'))).toEqual([])
      expect(raw.prepare('SELECT count(*) FROM search_log').pluck().get()).toBe(0)
      expect(raw.prepare('SELECT name FROM migrations').pluck().all()).toContain(
        new CreateSearchLog1763683400000().name,
      )
    } finally {
      raw.close()
    }
  })

  it('upgrades a database with the old in-file index: drops it and queues every indicator', async () => {
    const file = tempFile()
    await databaseAt0002(file, 300)
    expect(names(file, 'table')).toContain('indicators_fts')
    const logger = createMemoryLogger()
    await (await openDatabase({ file, logger })).close()
    expect(logger.lines.join('\n')).toContain('CreateSearchLog1763683400000')
    expect(names(file, 'table').filter((n) => n.startsWith('indicators_fts'))).toEqual([])
    const raw = new Database(file, { readonly: true })
    try {
      expect(raw.prepare('SELECT kind, from_rowid, to_rowid FROM search_log').all()).toEqual([
        { kind: 'range', from_rowid: 1, to_rowid: 300 },
      ])
    } finally {
      raw.close()
    }
  })
})
