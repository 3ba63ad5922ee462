import { createHash } from 'node:crypto'
import type BetterSqlite3 from 'better-sqlite3'
import type { AuditEntity, AuditOperation } from '#shared/contract/audit.contract'
import type { ChangeCaller } from './change-caller'

/**
 * Appends to `change_log` (migration 0005), on whichever connection it is given: the main one for single
 * writes, the bulk writer's for an import batch. The caller holds the write queue and an open transaction,
 * so the entry commits or rolls back with the change it records, and no other writer can slip an entry in
 * between reading the previous hash and inserting this one.
 *
 * The chain: `prev_hash` is the previous entry's `hash`, and `hash` is SHA-256 over this entry's canonical
 * form (canonicalEntry: every column in a fixed order, prev_hash included). Editing, deleting or inserting an
 * entry in the middle breaks a link that `audit verify` reports with its sequence number.
 */

/** What a writer says about a change; the caller (transport, actor, method) is passed beside it. */
export type ChangeDraft = {
  entity: AuditEntity
  entityId: string | null
  operation: AuditOperation
  changes: Record<string, unknown>
}

export type ChangeRow = {
  seq: number
  at: string
  actor: string
  transport: string
  method: string
  entity: string
  entity_id: string | null
  operation: string
  changes: string
  prev_hash: string
  hash: string
}

export const GENESIS_HASH = '0'.repeat(64)

/** Upper bound of one entry's `changes` JSON; larger values are cut (strings first, then to field names). */
export const MAX_CHANGES_CHARS = 8192
const MAX_STRING_CHARS = 512

// The same keys the logger redacts, applied at every depth: a value under such a key never reaches the log.
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|auth(orization)?|cookie|credential/i

const scrubValue = (v: unknown, cut: boolean): unknown => {
  if (typeof v === 'string') {
    return cut && v.length > MAX_STRING_CHARS ? `${v.slice(0, MAX_STRING_CHARS)}…` : v
  }
  if (Array.isArray(v)) return v.map((x) => scrubValue(x, cut))
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      out[k] = SECRET_KEY.test(k) ? '[redacted]' : scrubValue(x, cut)
    }
    return out
  }
  return v
}

/** The `changes` column: secrets redacted by key, bounded to MAX_CHANGES_CHARS. */
export const boundChanges = (changes: Record<string, unknown>): string => {
  const full = JSON.stringify(scrubValue(changes, false))
  if (full.length <= MAX_CHANGES_CHARS) return full
  const cut = JSON.stringify(scrubValue(changes, true))
  if (cut.length <= MAX_CHANGES_CHARS) return cut
  return JSON.stringify({ truncated: true, fields: Object.keys(changes).slice(0, 100) })
}

/** The canonical serialisation the hash covers: a JSON array of the columns in a fixed order. */
export const canonicalEntry = (r: Omit<ChangeRow, 'hash'>): string =>
  JSON.stringify([
    r.seq,
    r.at,
    r.actor,
    r.transport,
    r.method,
    r.entity,
    r.entity_id,
    r.operation,
    r.changes,
    r.prev_hash,
  ])

export const hashEntry = (r: Omit<ChangeRow, 'hash'>): string =>
  createHash('sha256').update(canonicalEntry(r)).digest('hex')

export type ChangeLogWriter = {
  /** Appends one entry; must run inside the caller's transaction. Returns its seq. */
  append(caller: ChangeCaller, draft: ChangeDraft, atIso: string): number
}

export const createChangeLogWriter = (sqlite: BetterSqlite3.Database): ChangeLogWriter => {
  // seq is the rowid, so the last entry is the B-tree's last row: O(log n).
  const last = sqlite.prepare<[], { seq: number; hash: string }>(
    'SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1',
  )
  const insert = sqlite.prepare(
    `INSERT INTO change_log (seq, at, actor, transport, method, entity, entity_id, operation, changes,
       prev_hash, hash) VALUES (@seq, @at, @actor, @transport, @method, @entity, @entity_id, @operation,
       @changes, @prev_hash, @hash)`,
  )
  return {
    append(caller, draft, atIso) {
      if (!sqlite.inTransaction) {
        throw new Error('change log entries are written inside the change they record')
      }
      const prev = last.get()
      const row: Omit<ChangeRow, 'hash'> = {
        seq: (prev?.seq ?? 0) + 1,
        at: atIso,
        actor: caller.actor.slice(0, 200),
        transport: caller.transport,
        method: caller.method.slice(0, 100),
        entity: draft.entity,
        entity_id: draft.entityId === null ? null : draft.entityId.slice(0, 200),
        operation: draft.operation,
        changes: boundChanges(draft.changes),
        prev_hash: prev?.hash ?? GENESIS_HASH,
      }
      insert.run({ ...row, hash: hashEntry(row) })
      return row.seq
    },
  }
}

/** { field: { before, after } } for the fields whose values differ (compared as JSON). */
export const fieldDiff = (
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  fields: readonly string[] = Object.keys(after),
): Record<string, { before: unknown; after: unknown }> => {
  const out: Record<string, { before: unknown; after: unknown }> = {}
  for (const f of fields) {
    const b = before[f] ?? null
    const a = after[f] ?? null
    if (JSON.stringify(b) !== JSON.stringify(a)) out[f] = { before: b, after: a }
  }
  return out
}
