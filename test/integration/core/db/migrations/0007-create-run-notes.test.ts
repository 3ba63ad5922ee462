import { migrateTo, revert, useTempDatabaseFile, versionOf } from './migration-support'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { CreateRunNotes1763683900000 } from '#core/db/migrations/0007-create-run-notes'

const tempFile = useTempDatabaseFile()
const version = versionOf(CreateRunNotes1763683900000)

const tables = (file: string): string[] => {
  const db = new Database(file, { readonly: true })
  try {
    return (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]
    ).map((t) => t.name)
  } finally {
    db.close()
  }
}

describe('migration 0007 (run notes)', () => {
  it('adds feed_run_notes beside the rejects, cascading with its run, and goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    const at = '2025-11-21T10:00:00.000Z'
    const before = new Database(file)
    before
      .prepare(
        `INSERT INTO feed_runs (id, source, format, trigger, status, started_at)
         VALUES ('00000000-0000-4000-8000-000000000001', 'bundle.json', 'stix-bundle', 'import', 'succeeded', ?)`,
      )
      .run(at)
    before.close()

    expect(await migrateTo(file, version)).toEqual(['CreateRunNotes1763683900000'])
    const db = new Database(file)
    db.pragma('foreign_keys = ON')
    db.prepare(
      `INSERT INTO feed_run_notes (run_id, line, message) VALUES ('00000000-0000-4000-8000-000000000001', 3, 'cut')`,
    ).run()
    expect(db.prepare('SELECT run_id, line, message FROM feed_run_notes').all()).toEqual([
      { run_id: '00000000-0000-4000-8000-000000000001', line: 3, message: 'cut' },
    ])
    db.prepare('DELETE FROM feed_runs').run()
    expect(db.prepare('SELECT COUNT(*) AS n FROM feed_run_notes').get()).toEqual({ n: 0 })
    db.close()

    await revert(file, version)
    expect(tables(file)).not.toContain('feed_run_notes')
    expect(tables(file)).toContain('feed_run_rejects')
  })
})
