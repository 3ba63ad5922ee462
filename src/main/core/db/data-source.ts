import 'reflect-metadata'
import type BetterSqlite3 from 'better-sqlite3'
import type { RunCallers } from '../audit/change-caller'
import { DataSource } from 'typeorm'
import { createBulkWriter, type BulkWriter } from './bulk-worker/bulk-writer-client'
import { applyConnectionPragmas } from './connection-pragmas'
import { AppError } from '#shared/contract'
import type { Logger } from '../platform/logger'
import { entities } from './entities'
import { migrations } from './migrations'
import { createWriteQueue, type WriteQueue } from './write-queue'

export type Database = {
  dataSource: DataSource
  /** TypeORM's own better-sqlite3 handle: the hot paths prepare raw statements on it. */
  sqlite: BetterSqlite3.Database
  writes: WriteQueue
  /**
   * Big imports (indicators.bulkCreate, feed batches) write through a second connection on a worker thread,
   * started on first use; only inside a `writes` job. See src/main/db/bulk-worker.
   */
  bulk: BulkWriter
  schemaVersion: number
  close(): Promise<void>
}

export const SCHEMA_VERSION = migrations.length

/** Each migration class sets `name` (TypeORM reads its timestamp suffix); bundling may rename classes. */
const migrationNames = (): string[] => migrations.map((M) => new M().name ?? M.name)

export const createSqliteDataSource = (file: string, nativeBinding?: string): DataSource =>
  new DataSource({
    type: 'better-sqlite3',
    database: file,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    // Lets the desktop load an Electron-ABI build of better-sqlite3 while tests and headless use Node's.
    ...(nativeBinding ? { nativeBinding } : {}),
    prepareDatabase: (db: BetterSqlite3.Database) => applyConnectionPragmas(db, 32),
  })

/**
 * Opens (creating if needed) the SQLite database, refuses one written by a newer ThreatEye, and runs the
 * pending migrations. Never `synchronize`: the schema only changes through reviewed migrations.
 */
export const openDatabase = async (opts: {
  file: string
  nativeBinding?: string
  logger: Logger
  /** Callers of the feed runs in progress: the bulk writer's entry for a run's batch names its caller. */
  runCallers?: RunCallers
}): Promise<Database> => {
  const dataSource = createSqliteDataSource(opts.file, opts.nativeBinding)
  await dataSource.initialize()
  try {
    await refuseNewerSchema(dataSource)
    const ran = await dataSource.runMigrations({ transaction: 'each' })
    if (ran.length > 0) opts.logger.info('migrations applied', { names: ran.map((m) => m.name) })
  } catch (e) {
    await dataSource.destroy()
    throw e
  }
  const sqlite = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database })
    .databaseConnection
  const writes = createWriteQueue()
  const bulk = createBulkWriter({
    file: opts.file,
    nativeBinding: opts.nativeBinding,
    logger: opts.logger,
    runCallers: opts.runCallers,
  })
  return {
    dataSource,
    sqlite,
    writes,
    bulk,
    schemaVersion: SCHEMA_VERSION,
    close: async () => {
      await writes.waitForIdle()
      await bulk.stop()
      if (dataSource.isInitialized) {
        // Fold the WAL back so the file is self-contained when the app is closed.
        sqlite.pragma('wal_checkpoint(TRUNCATE)')
        await dataSource.destroy()
      }
    },
  }
}

const refuseNewerSchema = async (dataSource: DataSource): Promise<void> => {
  const table = dataSource.options.migrationsTableName ?? 'migrations'
  const exists = await dataSource.query<unknown[]>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`,
    [table],
  )
  if (exists.length === 0) return
  const applied = await dataSource.query<{ name: string }[]>(`SELECT name FROM "${table}"`)
  const known = new Set(migrationNames())
  const unknown = applied.map((r) => r.name).filter((n) => !known.has(n))
  if (unknown.length > 0) {
    throw new AppError(
      'database_too_new',
      `This database was written by a newer ThreatEye (unknown migrations: ${unknown.join(', ')}). Update the app; the file was not modified.`,
      { unknown },
    )
  }
}
