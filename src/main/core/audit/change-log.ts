import type BetterSqlite3 from 'better-sqlite3'
import type { Clock } from '../platform/clock'
import type { CallContext } from '../rpc/handlers'
import type { ChangeCaller, RunCallers } from './change-caller'
import { createChangeLogWriter, type ChangeDraft } from './change-log-writer'

/**
 * The change log on the main connection: services record their single writes here, inside the transaction
 * of the write, naming the caller the handler passed down. (Import batches are recorded by the bulk
 * writer, in its own connection's transaction.)
 */
export type ChangeLog = {
  /** Appends one entry; must run inside the write's transaction. */
  record(by: ChangeCaller, draft: ChangeDraft): number
  /** Callers of the feed runs in progress (the run's batches and its finish name them). */
  readonly runs: RunCallers
}

/** The change log's caller for a handler's context (the dispatcher sets `method`). */
export const callerOf = (ctx: CallContext): ChangeCaller => ({
  transport: ctx.caller,
  actor: ctx.actor,
  method: ctx.method ?? 'core',
})

export const createChangeLog = (
  sqlite: BetterSqlite3.Database,
  clock: Clock,
  runs: RunCallers,
): ChangeLog => {
  const writer = createChangeLogWriter(sqlite)
  return {
    record: (by, draft) => writer.append(by, draft, clock.now().toISOString()),
    runs,
  }
}
