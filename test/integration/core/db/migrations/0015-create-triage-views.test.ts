import { describe, expect, it } from 'vitest'
import { CreateTriageViews1764801500000 } from '#core/db/migrations/0015-create-triage-views'
import {
  migrateTo,
  namesOf,
  planOf,
  revert,
  useTempDatabaseFile,
  versionOf,
  withSqlite,
} from './migration-support'

const tempFile = useTempDatabaseFile()
const version = versionOf(CreateTriageViews1764801500000)

const NOW = '2026-01-15T10:00:00.000Z'

describe('migration 0015 (triage views and queue indexes)', () => {
  it('adds triage_views and the partial queue indexes over existing rows, and goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    withSqlite(file, (db) => {
      const alert = db.prepare(
        `INSERT INTO alerts (id, title, severity, score, status, dedup_key, last_triggered_at, created_at,
           updated_at) VALUES (?, 't', ?, ?, ?, ?, ?, ?, ?)`,
      )
      alert.run('00000000-0000-4000-8000-0000000000c1', 80, null, 'open', 'k1', NOW, NOW, NOW)
      alert.run('00000000-0000-4000-8000-0000000000c2', 80, 60, 'resolved', 'k2', NOW, NOW, NOW)
      alert.run('00000000-0000-4000-8000-0000000000c3', 80, 60, 'acknowledged', 'k3', NOW, NOW, NOW)
    })
    expect(await migrateTo(file, version)).toEqual(['CreateTriageViews1764801500000'])
    expect(namesOf(file, 'table')).toContain('triage_views')
    expect(namesOf(file, 'index')).toEqual(
      expect.arrayContaining(['UQ_triage_views_name', 'IDX_alerts_triage', 'IDX_incidents_triage']),
    )
    withSqlite(file, (db) => {
      const insert = db.prepare(
        `INSERT INTO triage_views (id, name, created_at, updated_at) VALUES (?, 'Mine', ?, ?)`,
      )
      insert.run('00000000-0000-4000-8000-0000000000d1', NOW, NOW)
      expect(() => insert.run('00000000-0000-4000-8000-0000000000d2', NOW, NOW)).toThrow(/UNIQUE/)
      expect(db.prepare('SELECT filter FROM triage_views').pluck().get()).toBe('{}')
      // The queue's order over the existing rows, from the index alone: scored first, resolved left out.
      expect(
        db
          .prepare(
            `SELECT id FROM alerts INDEXED BY IDX_alerts_triage WHERE status <> 'resolved'
             ORDER BY severity DESC, COALESCE(score, -1) DESC, created_at DESC, id DESC`,
          )
          .pluck()
          .all(),
      ).toEqual(['00000000-0000-4000-8000-0000000000c3', '00000000-0000-4000-8000-0000000000c1'])
    })
    expect(
      planOf(
        file,
        `SELECT id FROM incidents WHERE status <> 'resolved'
         ORDER BY severity DESC, last_seen DESC, id DESC LIMIT 50`,
      ).join(' '),
    ).toMatch(/USING INDEX IDX_incidents_triage/)

    await revert(file, version)
    expect(namesOf(file, 'table')).not.toContain('triage_views')
    expect(namesOf(file, 'index')).not.toContain('IDX_alerts_triage')
    expect(namesOf(file, 'index')).not.toContain('IDX_incidents_triage')
  })
})
