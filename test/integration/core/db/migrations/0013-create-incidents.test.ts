import { describe, expect, it } from 'vitest'
import { CreateIncidents1764801300000 } from '#core/db/migrations/0013-create-incidents'
import { migrateTo, revert, useTempDatabaseFile, versionOf, withSqlite } from './migration-support'

const tempFile = useTempDatabaseFile()
const version = versionOf(CreateIncidents1764801300000)
const NOW = '2025-11-21T10:00:00.000Z'
const IND = '00000000-0000-5000-8000-000000000001'
const INC = '00000000-0000-4000-8000-000000000002'

const tables = (file: string): string[] =>
  withSqlite(file, (db) =>
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all(),
  ) as string[]

const plan = (file: string, sql: string, ...params: unknown[]): string =>
  withSqlite(file, (db) =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((r) => (r as { detail: string }).detail)
      .join(' '),
  )

describe('migration 0013 (incidents and URL model verdicts)', () => {
  it('creates both tables with their defaults, unique dedup key, links and indexes; goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    expect(await migrateTo(file, version)).toEqual(['CreateIncidents1764801300000'])
    expect(tables(file)).toEqual(expect.arrayContaining(['incidents', 'ml_predictions']))
    withSqlite(file, (db) => {
      db.pragma('foreign_keys = ON')
      db.prepare(
        `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES (?, 'url', 'http://x.example/', ?, ?)`,
      ).run(IND, NOW, NOW)
      const insert = db.prepare(
        `INSERT INTO incidents (id, url, indicator_id, dedup_key, first_seen, last_seen, created_at, updated_at)
         VALUES (?, 'http://x.example/', ?, ?, ?, ?, ?, ?)`,
      )
      insert.run(INC, IND, 'url:http://x.example/', NOW, NOW, NOW, NOW)
      expect(() =>
        insert.run(
          '00000000-0000-4000-8000-000000000003',
          IND,
          'url:http://x.example/',
          NOW,
          NOW,
          NOW,
          NOW,
        ),
      ).toThrow(/UNIQUE/)
      expect(
        db
          .prepare(
            'SELECT sources, severity, summary, details, tags, status, occurrences FROM incidents',
          )
          .get(),
      ).toEqual({
        sources: '[]',
        severity: 0,
        summary: '',
        details: '{}',
        tags: '[]',
        status: 'open',
        occurrences: 1,
      })
      db.prepare(
        `INSERT INTO ml_predictions (id, model_name, model_version, predicted_class, probabilities, anomaly_score,
           top_features, input, indicator_id, incident_id, created_at)
         VALUES ('p1', 'm', '1', 'phishing', '{}', 0.25, '[]', 'http://x.example/', ?, ?, ?)`,
      ).run(IND, INC, NOW)
      // A prediction and an incident outlive the indicator; the prediction outlives the incident.
      db.prepare('DELETE FROM indicators WHERE id = ?').run(IND)
      expect(db.prepare('SELECT indicator_id FROM incidents').pluck().get()).toBeNull()
      db.prepare('DELETE FROM incidents').run()
      expect(
        db.prepare('SELECT incident_id, indicator_id, anomaly_score FROM ml_predictions').get(),
      ).toEqual({
        incident_id: null,
        indicator_id: null,
        anomaly_score: 0.25,
      })
    })
    expect(
      plan(
        file,
        `SELECT id FROM incidents WHERE status = ? ORDER BY severity DESC, last_seen DESC, id DESC LIMIT 50`,
        'open',
      ),
    ).toContain('IDX_incidents_status_severity')
    await revert(file, version)
    expect(tables(file)).not.toContain('incidents')
    expect(tables(file)).not.toContain('ml_predictions')
  })

  it('is named VerbNoun<13-digit timestamp>', () => {
    expect(new CreateIncidents1764801300000().name).toMatch(/^CreateIncidents\d{13}$/)
  })
})
