import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DataSource, type MigrationInterface } from 'typeorm'
import { afterEach } from 'vitest'
import { migrations } from '#core/db/migrations/index'

// One migration at a time, the way TypeORM runs them in the app (transaction per migration), on a real SQLite
// file: each migration test brings a database to the version before its migration, fills it, and steps.

type MigrationClass = new () => MigrationInterface

/** A fresh database file in a temp directory, removed after the test. */
export const useTempDatabaseFile = (): (() => string) => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'te-migration-'))
    dirs.push(dir)
    return join(dir, 'threateye.sqlite')
  }
}

/** The position (1-based, as in the file name NNNN) of a migration in migrations/index.ts. */
export const versionOf = (migration: MigrationClass): number => {
  const at = migrations.indexOf(migration)
  if (at < 0) throw new Error(`${migration.name} is not listed in migrations/index.ts`)
  return at + 1
}

const withDataSource = async <T>(
  file: string,
  version: number,
  fn: (ds: DataSource) => Promise<T>,
): Promise<T> => {
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: file,
    migrations: migrations.slice(0, version),
  })
  await ds.initialize()
  try {
    return await fn(ds)
  } finally {
    await ds.destroy()
  }
}

/** Runs every migration up to and including `version` that has not run yet; returns their names. */
export const migrateTo = (file: string, version: number): Promise<string[]> =>
  withDataSource(file, version, async (ds) =>
    (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name),
  )

/** Reverts migration `version`, which must be the last one applied. */
export const revert = (file: string, version: number): Promise<void> =>
  withDataSource(file, version, (ds) => ds.undoLastMigration({ transaction: 'each' }))

/** Runs `fn` on a plain better-sqlite3 connection to `file`. */
export const withSqlite = <T>(file: string, fn: (db: Database.Database) => T): T => {
  const db = new Database(file)
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

export type SchemaObject = { type: string; name: string; tbl_name: string; sql: string | null }

/** Every table, index, trigger and view, without SQLite's own and FTS5's shadow tables. */
export const schemaOf = (file: string): SchemaObject[] =>
  withSqlite(
    file,
    (db) =>
      db
        .prepare(
          `SELECT type, name, tbl_name, sql FROM sqlite_master
           WHERE name NOT LIKE 'sqlite_%' AND name NOT GLOB '*_fts_*'
           ORDER BY type, name`,
        )
        .all() as SchemaObject[],
  )

export const namesOf = (file: string, type: 'table' | 'index' | 'trigger'): string[] =>
  schemaOf(file)
    .filter((o) => o.type === type)
    .map((o) => o.name)

/** The detail lines of EXPLAIN QUERY PLAN for `sql`. */
export const planOf = (file: string, sql: string, ...params: unknown[]): string[] =>
  withSqlite(file, (db) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
      (r) => r.detail,
    ),
  )
