import { describe, expect, it } from 'vitest'
import { CreateIndicators1763683200000 } from '#core/db/migrations/0001-create-indicators'
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

const version = versionOf(CreateIndicators1763683200000)
const tempFile = useTempDatabaseFile()

describe('0001-create-indicators: projects, indicators, settings and the in-file search index', () => {
  it('is the first migration', () => {
    expect(version).toBe(1)
    expect(new CreateIndicators1763683200000().name).toBe('CreateIndicators1763683200000')
  })

  it('up on an empty database creates the tables and the four indexes it promises, and no trigger', async () => {
    const file = tempFile()
    expect(await migrateTo(file, version)).toEqual(['CreateIndicators1763683200000'])
    expect(namesOf(file, 'table')).toEqual([
      'indicators',
      'indicators_fts',
      'migrations',
      'projects',
      'settings',
    ])
    expect(namesOf(file, 'index')).toEqual([
      'IDX_indicators_last_seen',
      'IDX_indicators_project',
      'IDX_indicators_score',
      'IDX_indicators_updated_at',
    ])
    // A trigger on indicators would run in a statement savepoint per row, where FTS5 flushes a segment.
    expect(namesOf(file, 'trigger')).toEqual([])

    const sqlOf = (name: string) => schemaOf(file).find((o) => o.name === name)?.sql ?? ''
    const indicators = sqlOf('indicators')
    // The search index keeps indicators' rowid: the table must never become WITHOUT ROWID.
    expect(indicators).not.toMatch(/WITHOUT ROWID/i)
    // (type, value) is unique through the id (UUIDv5 of both), not through a second index.
    expect(indicators).not.toMatch(/UNIQUE/)
    expect(indicators).toMatch(/REFERENCES "projects" \("id"\) ON DELETE SET NULL/)
    expect(sqlOf('projects')).toMatch(/CONSTRAINT "UQ_projects_name" UNIQUE \("name"\)/)
    expect(sqlOf('IDX_indicators_project')).toMatch(/WHERE project_id IS NOT NULL/)
    expect(sqlOf('indicators_fts')).toMatch(
      /fts5\(value, tags, description, content='', contentless_delete=1, prefix='1 2'/,
    )
    withSqlite(file, (db) => {
      const config = db.prepare('SELECT k, v FROM indicators_fts_config ORDER BY k').all()
      expect(config).toEqual(
        expect.arrayContaining([
          { k: 'automerge', v: 0 },
          { k: 'hashsize', v: 4194304 },
        ]),
      )
    })
  })

  it('serves the project filter and the three sorts from their indexes', async () => {
    const file = tempFile()
    await migrateTo(file, version)
    expect(planOf(file, 'SELECT id FROM indicators WHERE project_id = ?', 'p')).toEqual([
      'SEARCH indicators USING INDEX IDX_indicators_project (project_id=?)',
    ])
    for (const column of ['updated_at', 'last_seen', 'score']) {
      expect(planOf(file, `SELECT id FROM indicators ORDER BY ${column} DESC LIMIT 50`)).toEqual([
        `SCAN indicators USING INDEX IDX_indicators_${column}`,
      ])
    }
  })

  it('keeps what it promises: deleting a project detaches its indicators, a duplicate name is refused', async () => {
    const file = tempFile()
    await migrateTo(file, version)
    withSqlite(file, (db) => {
      db.pragma('foreign_keys = ON')
      const ts = '2025-11-21T10:00:00.000Z'
      db.prepare(
        `INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p1', 'APT', ?, ?)`,
      ).run(ts, ts)
      db.prepare(
        `INSERT INTO indicators (id, type, value, project_id, created_at, updated_at)
         VALUES ('i1', 'domain', 'evil.example', 'p1', ?, ?)`,
      ).run(ts, ts)
      expect(() =>
        db
          .prepare(
            `INSERT INTO projects (id, name, created_at, updated_at) VALUES ('p2', 'APT', ?, ?)`,
          )
          .run(ts, ts),
      ).toThrow(/UNIQUE constraint failed: projects.name/)
      db.prepare(`DELETE FROM projects WHERE id = 'p1'`).run()
      expect(
        db.prepare(`SELECT project_id, classification, score, tlp, tags FROM indicators`).get(),
      ).toEqual({
        project_id: null,
        classification: 'unknown',
        score: 50,
        tlp: 'amber',
        tags: '[]',
      })
    })
  })

  it('down removes everything it created', async () => {
    const file = tempFile()
    await migrateTo(file, version)
    await revert(file, version)
    expect(schemaOf(file).map((o) => o.name)).toEqual(['migrations'])
    expect(
      withSqlite(file, (db) => db.prepare('SELECT count(*) FROM migrations').pluck().get()),
    ).toBe(0)
  })

  it('up again after down gives the same schema', async () => {
    const file = tempFile()
    await migrateTo(file, version)
    const first = schemaOf(file)
    await revert(file, version)
    await migrateTo(file, version)
    expect(schemaOf(file)).toEqual(first)
  })
})
