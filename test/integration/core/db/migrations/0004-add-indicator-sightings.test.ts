import { migrateTo, revert, versionOf } from './migration-support'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DataSource } from 'typeorm'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '#core/db/data-source'
import { CreateIndicators1763683200000 } from '#core/db/migrations/0001-create-indicators'
import { CreateFeeds1763683300000 } from '#core/db/migrations/0002-create-feeds'
import { CreateSearchLog1763683400000 } from '#core/db/migrations/0003-create-search-log'
import { AddIndicatorSightings1763683500000 } from '#core/db/migrations/0004-add-indicator-sightings'
import { createMemoryLogger } from '#core/platform/logger'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A database as 0003 left it: d1 seen by two sources, d3 by one, d4 by none, d2 deleted. */
const databaseAt0003 = async (): Promise<string> => {
  const dir = mkdtempSync(join(tmpdir(), 'te-'))
  dirs.push(dir)
  const file = join(dir, 'threateye.sqlite')
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: file,
    migrations: [
      CreateIndicators1763683200000,
      CreateFeeds1763683300000,
      CreateSearchLog1763683400000,
    ],
  })
  await ds.initialize()
  await ds.runMigrations({ transaction: 'each' })
  await ds.destroy()
  const raw = new Database(file)
  const ts = '2025-11-21T10:00:00.000Z'
  const indicator = raw.prepare(
    `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES (?, 'domain', ?, ?, ?)`,
  )
  const observation = raw.prepare(
    `INSERT INTO observations (indicator_id, indicator_rowid, source_key, last_run_id, created_at,
       updated_at) VALUES (?, ?, ?, 'run-1', ?, ?)`,
  )
  raw.transaction(() => {
    for (let i = 1; i <= 4; i++) {
      const id = `00000000-0000-4000-8000-00000000000${i}`
      const rowid = Number(indicator.run(id, `d${i}.example`, ts, ts).lastInsertRowid)
      if (i <= 3) observation.run(id, rowid, 'feed-a', ts, ts)
      if (i === 1) observation.run(id, rowid, 'feed-b', ts, ts)
    }
    // A gap in the rowids, as deletes leave: a table rebuild would close it.
    raw.prepare(`DELETE FROM indicators WHERE value = 'd2.example'`).run()
  })()
  raw.close()
  return file
}

describe('migration 0004 (sightings on the indicator, what sources stated on the observation)', () => {
  it('adds the columns and indexes and backfills the figures from the observations', async () => {
    const file = await databaseAt0003()
    const logger = createMemoryLogger()
    await (await openDatabase({ file, logger })).close()
    expect(logger.lines.join('\n')).toContain(new AddIndicatorSightings1763683500000().name)
    const raw = new Database(file, { readonly: true })
    try {
      expect(
        raw
          .prepare(
            'SELECT value, source_count, sighting_count, analyst_fields FROM indicators ORDER BY value',
          )
          .raw()
          .all(),
      ).toEqual([
        ['d1.example', 2, 2, 0],
        ['d3.example', 1, 1, 0],
        ['d4.example', 0, 0, 0],
      ])
      expect(
        raw
          .prepare(
            `SELECT source_key, sightings, last_outcome, classification, severity, event_title
               FROM observations ORDER BY id`,
          )
          .raw()
          .all(),
      ).toEqual([
        ['feed-a', 1, 0, null, null, null],
        ['feed-b', 1, 0, null, null, null],
        ['feed-a', 1, 0, null, null, null],
      ])
      // In place: rowids (observations and the search index key on them) and the delete trigger stay.
      expect(raw.prepare('SELECT rowid, value FROM indicators ORDER BY rowid').raw().all()).toEqual(
        [
          [1, 'd1.example'],
          [3, 'd3.example'],
          [4, 'd4.example'],
        ],
      )
      // Kept through 0004's ALTER TABLEs (later migrations add triggers of their own).
      expect(
        raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all(),
      ).toContain('TRG_observations_indicator_deleted')
      const indexes = raw
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'indicators'`)
        .pluck()
        .all()
      expect(indexes).toEqual(
        expect.arrayContaining(['IDX_indicators_source_count', 'IDX_indicators_sighting_count']),
      )
    } finally {
      raw.close()
    }
  })

  it('reverts cleanly', async () => {
    const file = await databaseAt0003()
    const version = versionOf(AddIndicatorSightings1763683500000)
    await migrateTo(file, version)
    await revert(file, version)
    const ds = new DataSource({ type: 'better-sqlite3', database: file })
    await ds.initialize()
    const cols = async (t: string) =>
      (await ds.query<{ name: string }[]>(`SELECT name FROM pragma_table_info('${t}')`)).map(
        (c) => c.name,
      )
    expect(await cols('indicators')).not.toContain('source_count')
    expect(await cols('observations')).not.toContain('sightings')
    expect(await ds.query('SELECT count(*) AS n FROM observations')).toEqual([{ n: 3 }])
    await ds.destroy()
  })
})
