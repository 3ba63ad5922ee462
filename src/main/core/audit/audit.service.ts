import { AppError } from '#shared/contract/errors'
import {
  AUDIT_EXPORT_MAX,
  type AuditFilter,
  type ChangeEntry,
} from '#shared/contract/audit.contract'
import type { CoreContext } from '../core-context'
import { csvHeader, csvLine } from './audit-export'
import {
  SCAN_PAGE,
  createAuditRepository,
  toEntry,
  yieldTurn,
  type ScanOptions,
} from './audit.repository'

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
    verify: (opts?: ScanOptions) => repo.verify(opts),
    /** Oldest first, so a reader can re-check the chain; at most exportMax entries. */
    export: async (f: AuditFilter, format: 'csv' | 'json', opts: ScanOptions = {}) => {
      const pageSize = opts.pageSize ?? SCAN_PAGE
      const entries: ChangeEntry[] = []
      let truncated = false
      let afterSeq = 0
      for (;;) {
        // One row past the cap tells a cut export from one that ended exactly there.
        const limit = Math.min(pageSize, exportMax + 1 - entries.length)
        const rows = repo.pageAfter(f, afterSeq, limit)
        for (const r of rows) {
          if (entries.length === exportMax) {
            truncated = true
            break
          }
          entries.push(toEntry(r))
          afterSeq = r.seq
        }
        if (truncated || rows.length < limit) break
        opts.progress?.(entries.length, null)
        await yieldTurn(opts.signal)
      }
      opts.progress?.(entries.length, entries.length)
      const content =
        format === 'json'
          ? JSON.stringify(entries, null, 2)
          : csvHeader() + entries.map(csvLine).join('')
      return { format, count: entries.length, truncated, content }
    },
  }
}
