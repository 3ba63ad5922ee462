import { describe, expect, it } from 'vitest'
import { CreateFeeds1763683300000 } from '#core/db/migrations/0002-create-feeds'
import {
  migrateTo,
  namesOf,
  planOf,
  revert,
  schemaOf,
  useTempDatabaseFile,
  versionOf,
  withSqlite,
} from './migration-support'

const version = versionOf(CreateFeeds1763683300000)
const tempFile = useTempDatabaseFile()
const ts = '2025-11-21T10:00:00.000Z'

const NEW_TABLES = ['feed_run_rejects', 'feed_runs', 'feeds', 'intel_objects', 'observations']
const NEW_INDEXES = [
  'IDX_feed_run_rejects_run',
  'IDX_feed_runs_feed_started',
  'IDX_feed_runs_started',
  'IDX_intel_objects_feed',
  'IDX_intel_objects_source_ref',
  'IDX_intel_objects_target_ref',
  'IDX_intel_objects_type',
  'IDX_observations_feed',
  'UQ_feeds_name',
  'UQ_observations_indicator_source',
]

/** A database at the previous version holding a project, indicators and a setting. */
const databaseBefore = async (file: string) => {
  await migrateTo(file, version - 1)
  withSqlite(file, (db) => {
    db.prepare(
      `INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'APT', ?, ?)`,
    ).run(ts, ts)
    const insert = db.prepare(
      `INSERT INTO indicators (id, type, value, project_id, created_at, updated_at)
       VALUES (?, 'domain', ?, 'p1', ?, ?)`,
    )
    for (let i = 0; i < 50; i++) insert.run(`i${i}`, `host${i}.example`, ts, ts)
    db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('theme', '"dark"', ?)`).run(
      ts,
    )
  })
}

const contents = (file: string) =>
  withSqlite(file, (db) => ({
    projects: db.prepare('SELECT * FROM projects ORDER BY id').all(),
    indicators: db.prepare('SELECT rowid, * FROM indicators ORDER BY rowid').all(),
    settings: db.prepare('SELECT * FROM settings ORDER BY key').all(),
  }))

describe('0002-create-feeds: feeds, runs, rejects, observations, intel objects', () => {
  it('follows 0001', () => {
    expect(version).toBe(2)
    expect(new CreateFeeds1763683300000().name).toBe('CreateFeeds1763683300000')
  })

  it('up adds exactly its tables, indexes and the observation cascade trigger, and keeps the data', async () => {
    const file = tempFile()
    await databaseBefore(file)
    const before = { tables: namesOf(file, 'table'), indexes: namesOf(file, 'index') }
    const data = contents(file)
    expect(await migrateTo(file, version)).toEqual(['CreateFeeds1763683300000'])
    expect(namesOf(file, 'table')).toEqual([...before.tables, ...NEW_TABLES].sort())
    expect(namesOf(file, 'index')).toEqual([...before.indexes, ...NEW_INDEXES].sort())
    expect(namesOf(file, 'trigger')).toEqual(['TRG_observations_indicator_deleted'])
    expect(contents(file)).toEqual(data)
    // On SQLite the observation key is the indicator's rowid (appends), not its random UUID.
    const unique = schemaOf(file).find((o) => o.name === 'UQ_observations_indicator_source')
    expect(unique?.sql).toMatch(/\("indicator_rowid", "source_key"\)/)
  })

  it("serves an indicator's sources, a feed's observations and its run history from their indexes", async () => {
    const file = tempFile()
    await migrateTo(file, version)
    expect(planOf(file, 'SELECT * FROM observations WHERE indicator_rowid = ?', 1)).toEqual([
      'SEARCH observations USING INDEX UQ_observations_indicator_source (indicator_rowid=?)',
    ])
    expect(planOf(file, 'SELECT * FROM observations WHERE feed_id = ?', 'f')).toEqual([
      'SEARCH observations USING INDEX IDX_observations_feed (feed_id=?)',
    ])
    expect(
      planOf(file, 'SELECT * FROM feed_runs WHERE feed_id = ? ORDER BY started_at DESC', 'f'),
    ).toEqual(['SEARCH feed_runs USING INDEX IDX_feed_runs_feed_started (feed_id=?)'])
    expect(
      planOf(file, 'SELECT * FROM feed_run_rejects WHERE run_id = ? ORDER BY line', 'r'),
    ).toEqual(['SEARCH feed_run_rejects USING INDEX IDX_feed_run_rejects_run (run_id=?)'])
  })

  it('cascades: deleting an indicator deletes its observations, deleting a feed its runs and rejects', async () => {
    const file = tempFile()
    await databaseBefore(file)
    await migrateTo(file, version)
    withSqlite(file, (db) => {
      db.pragma('foreign_keys = ON')
      db.prepare(
        `INSERT INTO feeds (id, name, format, default_tlp, reliability, created_at, updated_at)
         VALUES ('f1', 'URLhaus', 'urlhaus-csv', 'white', 'B', ?, ?)`,
      ).run(ts, ts)
      db.prepare(
        `INSERT INTO feed_runs (id, feed_id, source, format, trigger, status, started_at)
         VALUES ('r1', 'f1', 'https://example.test/feed.csv', 'urlhaus-csv', 'manual', 'ok', ?)`,
      ).run(ts)
      db.prepare(
        `INSERT INTO feed_run_rejects (run_id, line, value, reason) VALUES ('r1', 3, 'x', 'bad')`,
      ).run()
      const observe = db.prepare(
        `INSERT INTO observations (indicator_id, indicator_rowid, feed_id, source_key, created_at, updated_at)
         SELECT id, rowid, 'f1', 'feed:f1', ?, ? FROM indicators WHERE id = ?`,
      )
      observe.run(ts, ts, 'i1')
      observe.run(ts, ts, 'i2')
      db.prepare(`DELETE FROM indicators WHERE id = 'i1'`).run()
      expect(db.prepare('SELECT indicator_id FROM observations').pluck().all()).toEqual(['i2'])
      db.prepare(`DELETE FROM feeds WHERE id = 'f1'`).run()
      expect(db.prepare('SELECT count(*) FROM feed_runs').pluck().get()).toBe(0)
      expect(db.prepare('SELECT count(*) FROM feed_run_rejects').pluck().get()).toBe(0)
      expect(db.prepare('SELECT count(*) FROM observations').pluck().get()).toBe(0)
    })
  })

  it("down removes its tables, indexes and trigger and leaves 0001's schema and data as they were", async () => {
    const file = tempFile()
    await databaseBefore(file)
    const schemaBefore = schemaOf(file)
    const data = contents(file)
    await migrateTo(file, version)
    await revert(file, version)
    expect(schemaOf(file)).toEqual(schemaBefore)
    expect(contents(file)).toEqual(data)
  })
})
