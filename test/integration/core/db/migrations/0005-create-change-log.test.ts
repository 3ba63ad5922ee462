import { migrateTo, revert, versionOf } from './migration-support'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DataSource } from 'typeorm'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '#core/db/data-source'
import { CreateChangeLog1763683600000 } from '#core/db/migrations/0005-create-change-log'
import { createMemoryLogger } from '#core/platform/logger'
import { whereOf } from '#core/audit/audit.repository'
import { loadEmbeddedPostgres } from '../../../../support/embedded-postgres'

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'te-0005-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const plan = (db: Database.Database, sql: string, params: unknown[]): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
    .map((r) => r.detail)
    .join('\n')

describe('migration 0005 (change log)', () => {
  it('creates change_log keyed by seq (the rowid), empty, with its filter indexes', async () => {
    const file = join(tempDir(), 'threateye.sqlite')
    await (await openDatabase({ file, logger: createMemoryLogger() })).close()
    const raw = new Database(file, { readonly: true })
    try {
      const cols = raw.prepare('PRAGMA table_info(change_log)').all() as {
        name: string
        pk: number
        notnull: number
        type: string
      }[]
      expect(cols.map((c) => c.name)).toEqual([
        'seq',
        'at',
        'actor',
        'transport',
        'method',
        'entity',
        'entity_id',
        'operation',
        'changes',
        'prev_hash',
        'hash',
      ])
      expect(cols.find((c) => c.name === 'seq')).toMatchObject({ pk: 1, type: 'INTEGER' })
      expect(cols.filter((c) => c.notnull === 0).map((c) => c.name)).toEqual(['entity_id'])
      expect(raw.prepare('SELECT count(*) FROM change_log').pluck().get()).toBe(0)

      // Newest first: a walk of the rowid, or of (entity, seq) / (entity_id, seq) when filtered.
      const page = (f: Parameters<typeof whereOf>[0]) => {
        const w = whereOf(f)
        return plan(
          raw,
          `SELECT seq FROM change_log WHERE ${w.sql} AND seq < ? ORDER BY seq DESC LIMIT ?`,
          [...w.params, 100, 10],
        )
      }
      expect(page({})).toMatch(/SEARCH change_log USING INTEGER PRIMARY KEY \(rowid<\?\)/)
      expect(page({ entity: 'indicator' })).toMatch(
        /USING (COVERING )?INDEX IDX_change_log_entity_seq/,
      )
      expect(page({ entityId: 'x' })).toMatch(
        /USING (COVERING )?INDEX IDX_change_log_entity_id_seq/,
      )
      expect(page({})).not.toMatch(/TEMP B-TREE/)
      expect(page({ entity: 'indicator' })).not.toMatch(/TEMP B-TREE/)
    } finally {
      raw.close()
    }
  })

  it('reverts cleanly', async () => {
    const file = join(tempDir(), 'threateye.sqlite')
    const version = versionOf(CreateChangeLog1763683600000)
    await migrateTo(file, version)
    await revert(file, version)
    const raw = new Database(file)
    const tables = raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'change_log'")
      .all()
    raw.close()
    expect(tables).toEqual([])
  })
})

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })

describe('migration 0005 on PostgreSQL', () => {
  it('runs, takes an entry, and reverts', async () => {
    const dir = tempDir()
    chmodSync(dir, 0o777)
    const port = await freePort()
    const EmbeddedPostgres = await loadEmbeddedPostgres(dir)
    const pg = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: 'threateye',
      password: 'threateye',
      persistent: false,
      createPostgresUser: true,
      onLog: () => undefined,
      onError: () => undefined,
    })
    await pg.initialise()
    await pg.start()
    try {
      await pg.createDatabase('threateye')
      const ds = new DataSource({
        type: 'postgres',
        host: '127.0.0.1',
        port,
        username: 'threateye',
        password: 'threateye',
        database: 'threateye',
        migrations: [CreateChangeLog1763683600000],
        synchronize: false,
      })
      await ds.initialize()
      try {
        const ran = await ds.runMigrations({ transaction: 'each' })
        expect(ran.map((m) => m.name)).toEqual(['CreateChangeLog1763683600000'])
        await ds.query(
          `INSERT INTO change_log (seq, at, actor, transport, method, entity, entity_id, operation,
             changes, prev_hash, hash) VALUES (1, $1, 'alice', 'http', 'projects.create', 'project',
             NULL, 'create', '{}', $2, $2)`,
          ['2026-01-01T00:00:00.000Z', '0'.repeat(64)],
        )
        const rows = await ds.query<{ seq: number }[]>(
          `SELECT seq FROM change_log WHERE entity = 'project' ORDER BY seq DESC`,
        )
        expect(rows.map((r) => Number(r.seq))).toEqual([1])
        await ds.undoLastMigration({ transaction: 'each' })
        const left = await ds.query<unknown[]>(
          `SELECT table_name FROM information_schema.tables WHERE table_name = 'change_log'`,
        )
        expect(left).toEqual([])
      } finally {
        await ds.destroy()
      }
    } finally {
      await pg.stop()
    }
  }, 180_000)
})
