import { AppError } from '#shared/contract/errors'
import {
  AUDIT_EXPORT_MAX,
  type AuditFilter,
  type ChangeEntry,
} from '#shared/contract/audit.contract'
import type { CoreContext } from '../core-context'
import { csvHeader, csvLine } from './audit-export'
import { createAuditRepository, toEntry } from './audit.repository'

export type AuditService = ReturnType<typeof createAuditService>

/** Reads of the change log: the Activity view, `threateye audit`, GET /api/v1/audit. Writes are the domains'. */
export const createAuditService = (ctx: Pick<CoreContext, 'db'>, exportMax = AUDIT_EXPORT_MAX) => {
  const repo = createAuditRepository(ctx.db.sqlite)
  return {
    list: (f: AuditFilter, limit: number, cursor: string | undefined) =>
      repo.page(f, limit, cursor),
    get: (seq: number): ChangeEntry => {
      const e = repo.get(seq)
      if (e === null) throw new AppError('not_found', `No change log entry has seq ${seq}`, { seq })
      return e
    },
    verify: () => repo.verify(),
    /** Oldest first, so a reader can re-check the chain; at most exportMax entries. */
    export: (f: AuditFilter, format: 'csv' | 'json') => {
      const entries: ChangeEntry[] = []
      let truncated = false
      for (const r of repo.walk(f, exportMax)) {
        if (entries.length === exportMax) {
          truncated = true
          break
        }
        entries.push(toEntry(r))
      }
      const content =
        format === 'json'
          ? JSON.stringify(entries, null, 2)
          : csvHeader() + entries.map(csvLine).join('')
      return { format, count: entries.length, truncated, content }
    },
  }
}
