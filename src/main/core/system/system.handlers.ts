import type { Database } from '../db/data-source'
import type { HandlerMap } from '../rpc/handlers'

export const createSystemHandlers = (deps: {
  db: Database
  dataDir: string
  version: string
  httpUrl: () => string | null
}): HandlerMap<'system.info'> => ({
  'system.info': async () => ({
    version: deps.version,
    schemaVersion: deps.db.schemaVersion,
    dataDir: deps.dataDir,
    sqliteVersion: (deps.db.sqlite.prepare('SELECT sqlite_version() AS v').get() as { v: string })
      .v,
    httpUrl: deps.httpUrl(),
  }),
})
