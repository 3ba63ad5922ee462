import type BetterSqlite3 from 'better-sqlite3'
import type { Clock } from '../platform/clock'
import type { CallScope } from './call-scope'
import { createChangeLogWriter, type ChangeDraft } from './change-log-writer'

/**
 * The change log on the main connection: services record their single writes here, inside the transaction
 * of the write, for the caller of the current scope. (Import batches are recorded by the bulk writer, in
 * its own connection's transaction.)
 */
export type ChangeLog = {
  readonly scope: CallScope
  /** Appends one entry for the current caller; must run inside the write's transaction. */
  record(draft: ChangeDraft): number
}

export const createChangeLog = (
  sqlite: BetterSqlite3.Database,
  scope: CallScope,
  clock: Clock,
): ChangeLog => {
  const writer = createChangeLogWriter(sqlite)
  return {
    scope,
    record: (draft) => writer.append(scope.current(), draft, clock.now().toISOString()),
  }
}
