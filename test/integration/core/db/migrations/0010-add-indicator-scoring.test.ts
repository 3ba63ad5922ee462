import { describe, expect, it } from 'vitest'
import { AddIndicatorScoring1764790000000 } from '#core/db/migrations/0010-add-indicator-scoring'
import { migrateTo, revert, useTempDatabaseFile, versionOf, withSqlite } from './migration-support'

const tempFile = useTempDatabaseFile()
const version = versionOf(AddIndicatorScoring1764790000000)
const NOW = '2025-11-21T10:00:00.000Z'

const indicatorColumns = (file: string): string[] =>
  withSqlite(file, (db) =>
    (db.prepare('PRAGMA table_info(indicators)').all() as { name: string }[]).map((c) => c.name),
  )

describe('migration 0010 (what scoring keeps on an indicator)', () => {
  it('adds the scoring columns with their defaults, keeps rowids, and goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    withSqlite(file, (db) => {
      const insert = db.prepare(
        `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES (?, 'domain', ?, ?, ?)`,
      )
      insert.run('00000000-0000-5000-8000-000000000001', 'a.example', NOW, NOW)
      insert.run('00000000-0000-5000-8000-000000000002', 'b.example', NOW, NOW)
      db.prepare(`DELETE FROM indicators WHERE value = 'a.example'`).run()
    })
    const rowidBefore = withSqlite(file, (db) =>
      db.prepare(`SELECT rowid FROM indicators WHERE value = 'b.example'`).pluck().get(),
    )
    expect(await migrateTo(file, version)).toEqual(['AddIndicatorScoring1764790000000'])
    expect(
      withSqlite(file, (db) =>
        db
          .prepare(
            `SELECT rowid, base_score, score_terms, expired, warninglist_hits, url_score, scored_at
             FROM indicators`,
          )
          .all(),
      ),
    ).toEqual([
      {
        rowid: rowidBefore,
        base_score: null,
        score_terms: null,
        expired: 0,
        warninglist_hits: 0,
        url_score: null,
        scored_at: null,
      },
    ])
    const plan = withSqlite(file, (db) =>
      db
        .prepare(`EXPLAIN QUERY PLAN SELECT id FROM indicators WHERE expires_at < ?`)
        .all(NOW)
        .map((r) => (r as { detail: string }).detail)
        .join(' '),
    )
    expect(plan).toContain('IDX_indicators_expires_at')
    await revert(file, version)
    const columns = indicatorColumns(file)
    for (const c of ['base_score', 'score_terms', 'expired', 'warninglist_hits', 'scored_at'])
      expect(columns).not.toContain(c)
    expect(
      withSqlite(file, (db) => db.prepare('SELECT value FROM indicators').pluck().all()),
    ).toEqual(['b.example'])
  })

  it('is named VerbNoun<13-digit timestamp>', () => {
    expect(new AddIndicatorScoring1764790000000().name).toMatch(/^AddIndicatorScoring\d{13}$/)
  })
})
