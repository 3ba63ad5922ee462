import { describe, expect, it } from 'vitest'
import { AddRunOwner1764770000000 } from '#core/db/migrations/0008-add-run-owner'
import { migrations } from '#core/db/migrations/index'
import { OPEN_RUNS_SQL, RUN_HEARTBEAT_SQL } from '#core/feeds/engine/run-store'
import {
  migrateTo,
  namesOf,
  planOf,
  revert,
  useTempDatabaseFile,
  versionOf,
  withSqlite,
} from './migration-support'

const V = versionOf(AddRunOwner1764770000000)
const OWNER_COLUMNS = ['owner_pid', 'owner_instance', 'owner_host', 'heartbeat_at']

const runColumns = (file: string): { name: string; notnull: number; type: string }[] =>
  withSqlite(
    file,
    (db) =>
      db.prepare('PRAGMA table_info(feed_runs)').all() as {
        name: string
        notnull: number
        type: string
      }[],
  )

describe('migration 0007 (the owner and heartbeat of a run)', () => {
  const tempFile = useTempDatabaseFile()

  it('adds the owner columns, null on the runs that exist, and the index of open runs; goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, V - 1)
    withSqlite(file, (db) => {
      const insert = db.prepare(
        `INSERT INTO feed_runs (id, source, format, trigger, status, started_at)
         VALUES (?, 'list.txt', 'text', 'manual', ?, '2025-11-21T10:00:00.000Z')`,
      )
      insert.run('00000000-0000-4000-8000-000000000001', 'running')
      insert.run('00000000-0000-4000-8000-000000000002', 'succeeded')
    })

    expect(await migrateTo(file, V)).toEqual(['AddRunOwner1764770000000'])
    const cols = runColumns(file)
    expect(cols.map((c) => c.name)).toEqual(expect.arrayContaining(OWNER_COLUMNS))
    expect(cols.filter((c) => OWNER_COLUMNS.includes(c.name)).every((c) => c.notnull === 0)).toBe(
      true,
    )
    const rows = withSqlite(file, (db) =>
      db
        .prepare(
          'SELECT status, owner_pid, owner_instance, owner_host, heartbeat_at FROM feed_runs ORDER BY id',
        )
        .all(),
    )
    expect(rows).toEqual([
      {
        status: 'running',
        owner_pid: null,
        owner_instance: null,
        owner_host: null,
        heartbeat_at: null,
      },
      {
        status: 'succeeded',
        owner_pid: null,
        owner_instance: null,
        owner_host: null,
        heartbeat_at: null,
      },
    ])
    // Start-up reads only the open runs, along the partial index, never the whole history.
    expect(namesOf(file, 'index')).toContain('IDX_feed_runs_open')
    expect(planOf(file, OPEN_RUNS_SQL).join('\n')).toMatch(/USING INDEX IDX_feed_runs_open/)
    expect(planOf(file, RUN_HEARTBEAT_SQL, 'x', 'y').join('\n')).toMatch(
      /SEARCH feed_runs USING INDEX sqlite_autoindex_feed_runs_1 \(id=\?\)/,
    )

    await revert(file, V)
    const left = runColumns(file).map((c) => c.name)
    for (const c of OWNER_COLUMNS) expect(left).not.toContain(c)
    expect(left).toContain('status')
    expect(namesOf(file, 'index')).not.toContain('IDX_feed_runs_open')
    expect(
      withSqlite(file, (db) => db.prepare('SELECT count(*) FROM feed_runs').pluck().get()),
    ).toBe(2)
  })

  it('is listed after 0007 (run notes), with a 13-digit timestamp after it', () => {
    const names = migrations.map((m) => new m().name)
    expect(names.indexOf('AddRunOwner1764770000000')).toBe(
      names.indexOf('CreateRunNotes1763683900000') + 1,
    )
    expect(new AddRunOwner1764770000000().name).toMatch(/^AddRunOwner\d{13}$/)
  })
})
