import {
  migrateTo,
  namesOf,
  planOf,
  revert,
  useTempDatabaseFile,
  versionOf,
  withSqlite,
} from './migration-support'
import { describe, expect, it } from 'vitest'
import { CreateAlerts1764801400000 } from '#core/db/migrations/0014-create-alerts'

const tempFile = useTempDatabaseFile()
const version = versionOf(CreateAlerts1764801400000)

const NOW = '2026-01-15T10:00:00.000Z'
const RULE = '00000000-0000-4000-8000-0000000000a1'
const IND = '00000000-0000-4000-8000-0000000000b1'

describe('migration 0014 (alerts)', () => {
  it('adds alert_rules and alerts: one key per open alert, rule and indicator detach, and goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    withSqlite(file, (db) =>
      db
        .prepare(
          `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES (?, 'ip', '192.0.2.1', ?, ?)`,
        )
        .run(IND, NOW, NOW),
    )
    expect(await migrateTo(file, version)).toEqual(['CreateAlerts1764801400000'])
    expect(namesOf(file, 'table')).toEqual(expect.arrayContaining(['alert_rules', 'alerts']))
    expect(namesOf(file, 'index')).toEqual(
      expect.arrayContaining([
        'UQ_alerts_dedup_key',
        'IDX_alerts_status_severity',
        'IDX_alerts_rule',
        'IDX_alerts_indicator',
        'IDX_alerts_webhook_pending',
        'UQ_alert_rules_name',
      ]),
    )
    withSqlite(file, (db) => {
      db.pragma('foreign_keys = ON')
      db.prepare(
        `INSERT INTO alert_rules (id, name, kind, condition, created_at, updated_at)
         VALUES (?, 'Tagged', 'tag', '{"tag":"c2"}', ?, ?)`,
      ).run(RULE, NOW, NOW)
      const insert = db.prepare(
        `INSERT INTO alerts (id, rule_id, title, severity, indicator_id, dedup_key, last_triggered_at,
           created_at, updated_at) VALUES (?, ?, 't', 80, ?, ?, ?, ?, ?)`,
      )
      const key = `rule:${RULE}:indicator:${IND}`
      insert.run('00000000-0000-4000-8000-0000000000c1', RULE, IND, key, NOW, NOW, NOW)
      expect(() =>
        insert.run('00000000-0000-4000-8000-0000000000c2', RULE, IND, key, NOW, NOW, NOW),
      ).toThrow(/UNIQUE/)
      expect(
        db
          .prepare('SELECT status, trigger_count, webhook_attempts, triggered_by FROM alerts')
          .get(),
      ).toEqual({ status: 'open', trigger_count: 1, webhook_attempts: 0, triggered_by: '{}' })
      db.prepare('DELETE FROM alert_rules').run()
      db.prepare('DELETE FROM indicators').run()
      expect(db.prepare('SELECT rule_id, indicator_id FROM alerts').get()).toEqual({
        rule_id: null,
        indicator_id: null,
      })
    })
    // The open queue, most severe first, is a walk of the (status, severity, created_at) index.
    expect(
      planOf(
        file,
        `SELECT id FROM alerts WHERE status = 'open' ORDER BY severity DESC, created_at DESC LIMIT 50`,
      ).join(' '),
    ).toMatch(/USING INDEX IDX_alerts_status_severity/)
    expect(
      planOf(
        file,
        `SELECT id FROM alerts WHERE webhook_status = 'pending' ORDER BY created_at`,
      ).join(' '),
    ).toMatch(/IDX_alerts_webhook_pending/)

    await revert(file, version)
    expect(namesOf(file, 'table')).not.toContain('alerts')
    expect(namesOf(file, 'table')).not.toContain('alert_rules')
  })
})
