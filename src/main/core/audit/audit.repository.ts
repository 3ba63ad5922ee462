import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import type { AuditFilter, AuditVerify, ChangeEntry } from '#shared/contract/audit.contract'
import { GENESIS_HASH, hashEntry, type ChangeRow } from './change-log-writer'

/**
 * Reads of `change_log`: keyset pages newest first (seq DESC, `seq < cursor`), one entry, the chain check,
 * and an oldest-first walk for the export. Filters are ANDed; times compare as ISO strings (UTC, as written).
 */
export type AuditRepository = ReturnType<typeof createAuditRepository>

const COLUMNS =
  'seq, at, actor, transport, method, entity, entity_id, operation, changes, prev_hash, hash'

export const toEntry = (r: ChangeRow): ChangeEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  transport: r.transport as ChangeEntry['transport'],
  method: r.method,
  entity: r.entity as ChangeEntry['entity'],
  entityId: r.entity_id,
  operation: r.operation as ChangeEntry['operation'],
  changes: parseChanges(r.changes),
  prevHash: r.prev_hash,
  hash: r.hash,
})

const parseChanges = (text: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : { value: v }
  } catch {
    // A row edited by hand: show what is there (verify reports the edit).
    return { unparsed: text.slice(0, 2000) }
  }
}

/** WHERE clause and parameters for a filter (column names are fixed here; values are bound). */
export const whereOf = (f: AuditFilter): { sql: string; params: (string | number)[] } => {
  const parts: string[] = []
  const params: (string | number)[] = []
  const eq = (column: string, v: string | undefined) => {
    if (v === undefined) return
    parts.push(`${column} = ?`)
    params.push(v)
  }
  eq('entity', f.entity)
  eq('operation', f.operation)
  eq('actor', f.actor)
  eq('method', f.method)
  eq('entity_id', f.entityId)
  if (f.since !== undefined) {
    parts.push('at >= ?')
    params.push(new Date(f.since).toISOString())
  }
  if (f.until !== undefined) {
    parts.push('at < ?')
    params.push(new Date(f.until).toISOString())
  }
  return { sql: parts.length === 0 ? '1 = 1' : parts.join(' AND '), params }
}

const decodeCursor = (cursor: string): number => {
  const n = Number(cursor)
  if (!Number.isInteger(n) || n < 1) {
    throw new AppError(
      'invalid_input',
      `cursor: '${cursor.slice(0, 40)}' is not a cursor of audit.list`,
      {
        field: 'cursor',
      },
    )
  }
  return n
}

/** Entries read between two turns of the event loop by the chain check and the export. */
export const SCAN_PAGE = 2000

export type ScanOptions = {
  /** Entries done so far and the total when known (the long calls report it as job progress). */
  progress?: (done: number, total: number | null) => void
  signal?: AbortSignal
  pageSize?: number
}

/** Lets other calls run between two pages of a long scan, and stops it when its caller cancelled. */
export const yieldTurn = async (signal?: AbortSignal): Promise<void> => {
  await new Promise<void>((resolve) => setImmediate(resolve))
  signal?.throwIfAborted()
}

export const createAuditRepository = (sqlite: BetterSqlite3.Database) => {
  const bySeq = sqlite.prepare<[number], ChangeRow>(
    `SELECT ${COLUMNS} FROM change_log WHERE seq = ?`,
  )
  const after = sqlite.prepare<[number, number], ChangeRow>(
    `SELECT ${COLUMNS} FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?`,
  )
  const lastSeq = sqlite.prepare<[], { seq: number | null }>(
    'SELECT max(seq) AS seq FROM change_log',
  )

  return {
    page(f: AuditFilter, limit: number, cursor: string | undefined) {
      const w = whereOf(f)
      const before = cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(cursor)
      const rows = sqlite
        .prepare<(string | number)[], ChangeRow>(
          `SELECT ${COLUMNS} FROM change_log WHERE ${w.sql} AND seq < ? ORDER BY seq DESC LIMIT ?`,
        )
        .all(...w.params, before, limit + 1)
      const more = rows.length > limit
      const items = rows.slice(0, limit).map(toEntry)
      return { items, nextCursor: more ? String(items[items.length - 1].seq) : null }
    },
    get(seq: number): ChangeEntry | null {
      const r = bySeq.get(seq)
      return r === undefined ? null : toEntry(r)
    },
    /**
     * Oldest first, a page at a time (seq > afterSeq): the caller yields between pages, so a long export
     * neither blocks the thread nor holds a statement open across other queries on the connection.
     */
    pageAfter(f: AuditFilter, afterSeq: number, limit: number): ChangeRow[] {
      const w = whereOf(f)
      return sqlite
        .prepare<(string | number)[], ChangeRow>(
          `SELECT ${COLUMNS} FROM change_log WHERE ${w.sql} AND seq > ? ORDER BY seq LIMIT ?`,
        )
        .all(...w.params, afterSeq, limit)
    },
    /**
     * Walks the whole chain in seq order: each entry's hash must be the hash of its canonical form, its
     * prev_hash the previous entry's hash, and seq must go up by one (a deleted entry is a gap).
     */
    async verify(opts: ScanOptions = {}): Promise<AuditVerify> {
      const pageSize = opts.pageSize ?? SCAN_PAGE
      const total = lastSeq.get()?.seq ?? 0
      let prevHash = GENESIS_HASH
      let prevSeq = 0
      let checked = 0
      for (;;) {
        const rows = after.all(prevSeq, pageSize)
        for (const r of rows) {
          const broken = (field: 'prevHash' | 'hash' | 'seq', expected: string, found: string) => ({
            ok: false,
            checked,
            lastSeq: r.seq,
            brokenAt: { seq: r.seq, field, expected, found },
          })
          if (r.seq !== prevSeq + 1) return broken('seq', String(prevSeq + 1), String(r.seq))
          if (r.prev_hash !== prevHash) return broken('prevHash', prevHash, r.prev_hash)
          const own = hashEntry(r)
          if (r.hash !== own) return broken('hash', own, r.hash)
          prevHash = r.hash
          prevSeq = r.seq
          checked++
        }
        if (rows.length < pageSize) break
        opts.progress?.(checked, Math.max(total, checked))
        await yieldTurn(opts.signal)
      }
      opts.progress?.(checked, checked)
      return { ok: true, checked, lastSeq: prevSeq, brokenAt: null }
    },
  }
}
