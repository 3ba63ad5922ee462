import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { CreateWarninglists1764801100000 } from '#core/db/migrations/0011-create-warninglists'
import { migrateTo, revert, useTempDatabaseFile, versionOf } from './migration-support'

const tempFile = useTempDatabaseFile()
const version = versionOf(CreateWarninglists1764801100000)

const tables = (db: Database.Database): string[] =>
  db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all()

const AT = '2025-11-21T10:00:00.000Z'
const IND = '00000000-0000-5000-8000-0000000000a1'

describe('migration 0011 (warninglists, hits, allowlist)', () => {
  it('adds the lists, the hits cascading with their indicator, the allowlist unique by type and value, and goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    const before = new Database(file)
    before
      .prepare(
        `INSERT INTO indicators (id, type, value, created_at, updated_at) VALUES (?, 'ip', '10.1.2.3', ?, ?)`,
      )
      .run(IND, AT, AT)
    before
      .prepare(
        `INSERT INTO feed_runs (id, source, format, trigger, status, started_at)
         VALUES ('00000000-0000-4000-8000-000000000001', 'a.csv', 'generic-csv', 'import', 'succeeded', ?)`,
      )
      .run(AT)
    before.close()

    expect(await migrateTo(file, version)).toEqual(['CreateWarninglists1764801100000'])
    const db = new Database(file)
    db.pragma('foreign_keys = ON')
    // An existing run reads as nothing allowlisted.
    expect(db.prepare('SELECT allowlisted FROM feed_runs').pluck().get()).toBe(0)
    db.prepare(
      `INSERT INTO warninglists (id, name, source, type, created_at, updated_at)
       VALUES ('builtin:rfc1918', 'RFC 1918', 'builtin', 'cidr', ?, ?)`,
    ).run(AT, AT)
    expect(
      db.prepare('SELECT enabled, entry_count, content, category FROM warninglists').get(),
    ).toEqual({ enabled: 1, entry_count: 0, content: null, category: 'false_positive' })
    expect(() =>
      db
        .prepare(
          `INSERT INTO warninglists (id, name, source, type, created_at, updated_at)
           VALUES ('x', 'RFC 1918', 'imported', 'cidr', ?, ?)`,
        )
        .run(AT, AT),
    ).toThrow(/UNIQUE/)

    // Keyed by the indicator's rowid on SQLite, as observations are.
    const rowid = db.prepare('SELECT rowid FROM indicators WHERE id = ?').pluck().get(IND)
    const hit = db.prepare(
      `INSERT INTO indicator_warninglist_hits (indicator_rowid, list_id, indicator_id, entry, matched_at)
       VALUES (?, 'builtin:rfc1918', ?, '10.0.0.0/8', ?)`,
    )
    hit.run(rowid, IND, AT)
    expect(() => hit.run(rowid, IND, AT)).toThrow(/UNIQUE|PRIMARY KEY/)

    const allow = db.prepare(
      `INSERT INTO allowlist (id, type, value, created_by, created_at) VALUES (?, ?, ?, 'me', ?)`,
    )
    allow.run(IND, 'ip', '10.1.2.3', AT)
    expect(() => allow.run('00000000-0000-5000-8000-0000000000b2', 'ip', '10.1.2.3', AT)).toThrow(
      /UNIQUE/,
    )

    db.prepare('DELETE FROM indicators').run()
    expect(db.prepare('SELECT COUNT(*) FROM indicator_warninglist_hits').pluck().get()).toBe(0)
    // The allowlist outlives the indicator: it is about future imports.
    expect(db.prepare('SELECT COUNT(*) FROM allowlist').pluck().get()).toBe(1)
    db.close()

    await revert(file, version)
    const after = new Database(file, { readonly: true })
    expect(tables(after).filter((t) => /warninglist|allowlist/.test(t))).toEqual([])
    expect(
      after.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all(),
    ).not.toContain('TRG_warninglist_hits_indicator_deleted')
    const runColumns = after
      .prepare<[], string>(`SELECT name FROM pragma_table_info('feed_runs')`)
      .pluck()
      .all()
    expect(runColumns).not.toContain('allowlisted')
    after.close()
  })
})
