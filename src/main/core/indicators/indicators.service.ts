import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '#shared/contract/errors'
import type {
  Indicator,
  IndicatorCreate,
  IndicatorPatch,
  ReportedIn,
} from '#shared/contract/indicators.contract'
import type { AuditOperation } from '#shared/contract/audit.contract'
import { parseIndicator, type IocType } from '#shared/domain'
import { createAllowlistRepository } from '../allowlist/allowlist.repository'
import type { ChangeCaller } from '../audit/change-caller'
import { fieldDiff } from '../audit/change-log-writer'
import type { CoreContext } from '../core-context'
import { createWarninglistHitWriter } from '../db/bulk/warninglist-hits'
import { indicatorId } from './indicator-id.node'
import { rowToIndicator, type IndicatorRow } from './indicator-row'
import { newRow, patchedRow, sameContent, toWrite } from './indicator-write'
import { createIndicatorRepository, type IndicatorRepository } from './indicators.repository'
import { createScoreStore } from '../scoring/score-store'
import { deleteObjectLinks } from '../intel/intel.repository'

export type IndicatorsDeps = Pick<
  CoreContext,
  'db' | 'clock' | 'events' | 'logger' | 'changes' | 'screen' | 'scoring'
>

/** The canonical (type, value) of user input, or an invalid_input error naming the value and why. */
export const parseOrThrow = (
  value: string,
  type: IocType | undefined,
): { type: IocType; value: string } => {
  const r = parseIndicator(value, type)
  if (!r.ok) {
    throw new AppError('invalid_input', `value: ${r.reason}`, { field: 'value', value: r.value })
  }
  return { type: r.type, value: r.value }
}

export const assertProjectExists = (
  sqlite: BetterSqlite3.Database,
  projectId: string | null | undefined,
): void => {
  if (projectId === null || projectId === undefined) return
  const found = sqlite.prepare('SELECT 1 FROM projects WHERE id = ?').get(projectId)
  if (found === undefined) {
    throw new AppError('invalid_input', `projectId: no project has id ${projectId}`, {
      field: 'projectId',
      projectId,
    })
  }
}

export type IndicatorsService = ReturnType<typeof createIndicatorsService>

/**
 * Single-indicator writes and the reads. Every write runs in the write queue and one SQLite transaction,
 * keeps the search index in step (through the repository) and announces itself on
 * `indicators.onDidChange`. Bulk import lives in src/main/core/ingest/bulk-create.ts.
 */
export const createIndicatorsService = (deps: IndicatorsDeps) => {
  const { db, clock, events, changes, screen } = deps
  const sqlite = db.sqlite
  const repo: IndicatorRepository = createIndicatorRepository(sqlite)
  const allowlist = createAllowlistRepository(sqlite)
  const hitWriter = createWarninglistHitWriter(sqlite)
  const setHitCount = sqlite.prepare<[number, number]>(
    'UPDATE indicators SET warninglist_hits = ? WHERE rowid = ?',
  )
  /** A hand-made indicator gets its warninglist hits as an imported one does (the analyst's own flags stay). */
  const storeHits = (id: string, rowid: number, type: IocType, value: string, at: string) => {
    const { count, matches } = screen.begin().one(type, value)
    if (count === 0) return
    setHitCount.run(count, rowid)
    hitWriter.replace(id, rowid, matches, at)
  }
  const nowIso = () => clock.now().toISOString()
  const scores = createScoreStore(sqlite)
  /** An edit can change any term (classification, severity, a hand-set score, a false-positive mark). */
  const rescore = (rowid: number, analystScore: number | undefined) =>
    scores.rescoreRowid(rowid, deps.scoring.config(), clock.now(), analystScore)

  const mustGet = (id: string): IndicatorRow => {
    const row = repo.getById(id)
    if (row === undefined) throw new AppError('not_found', `No indicator has id ${id}`, { id })
    return row
  }

  const reread = (rowid: number): Indicator => {
    const row = repo.getByRowid(rowid)
    if (row === undefined)
      throw new Error(`indicator rowid ${rowid} vanished inside the write queue`)
    return rowToIndicator(row)
  }

  /**
   * Applies a patch to one indicator; no write (and no event, no change log entry) when nothing changes.
   * The entry holds the changed columns before and after, plus `extra` (a false-positive reason).
   * `alongside` runs in the same transaction, even when the row itself does not change (the allowlist).
   */
  const patch = (
    by: ChangeCaller,
    label: string,
    id: string,
    p: IndicatorPatch,
    operation: AuditOperation = 'update',
    extra: Record<string, unknown> = {},
    alongside?: (row: IndicatorRow) => void,
  ): Promise<Indicator> =>
    db.writes.run(label, () => {
      const row = mustGet(id)
      assertProjectExists(sqlite, p.projectId)
      const current = toWrite(row)
      const next = patchedRow(current, p, nowIso())
      if (sameContent(current, next)) {
        if (alongside !== undefined) sqlite.transaction(() => alongside(row))()
        return rowToIndicator(row)
      }
      const textChanged = next.tags !== current.tags || next.description !== current.description
      const { updated_at: _before, ...was } = current
      const { updated_at: _after, ...is } = next
      sqlite.transaction(() => {
        repo.update(row.rowid, next, textChanged)
        rescore(row.rowid, p.score)
        changes.record(by, {
          entity: 'indicator',
          entityId: id,
          operation,
          changes: { ...fieldDiff(was, is), ...extra },
        })
        alongside?.(row)
      })()
      events.emit('indicators.onDidChange', { kind: 'updated', ids: [id] })
      return reread(row.rowid)
    })

  /**
   * The analyst's verdict reaches later imports through the allowlist: a false positive is added, a cleared
   * one taken off (with its own change-log entry), in the transaction of the mark.
   */
  const allowlisting =
    (falsePositive: boolean, reason: string | undefined, by: ChangeCaller) =>
    (row: IndicatorRow): void => {
      const changed = falsePositive
        ? allowlist.add(row.type, row.value, reason ?? '', by.actor, nowIso())
        : allowlist.remove(row.id)
      if (!changed) return
      changes.record(by, {
        entity: 'allowlist',
        entityId: row.id,
        operation: falsePositive ? 'create' : 'delete',
        changes: { type: row.type, value: row.value, ...(reason === undefined ? {} : { reason }) },
      })
      screen.allowlistChanged()
    }

  return {
    repo,
    create: (input: IndicatorCreate, by: ChangeCaller): Promise<Indicator> => {
      const { type, value } = parseOrThrow(input.value, input.type)
      const { type: _t, value: _v, ...fields } = input
      return db.writes.run('indicators.create', () => {
        const existing = repo.lookup(type, value)
        if (existing !== undefined) {
          throw new AppError('conflict', `The ${type} indicator '${value}' already exists`, {
            id: existing.id,
          })
        }
        assertProjectExists(sqlite, fields.projectId)
        const row = newRow({ id: indicatorId(type, value), type, value }, fields, nowIso())
        const rowid = sqlite.transaction(() => {
          const inserted = repo.insert(row)
          storeHits(row.id, inserted, type, value, row.created_at)
          rescore(inserted, fields.score)
          changes.record(by, {
            entity: 'indicator',
            entityId: row.id,
            operation: 'create',
            changes: { type, value, ...fields },
          })
          return inserted
        })()
        events.emit('indicators.onDidChange', { kind: 'created', ids: [row.id] })
        return reread(rowid)
      })
    },
    update: (id: string, p: IndicatorPatch, by: ChangeCaller) =>
      patch(by, 'indicators.update', id, p),
    // The reason is kept in the change log entry of the mark, not on the indicator.
    markFalsePositive: (
      id: string,
      falsePositive: boolean,
      reason: string | undefined,
      by: ChangeCaller,
    ) =>
      patch(
        by,
        'indicators.markFalsePositive',
        id,
        { falsePositive },
        falsePositive ? 'mark_false_positive' : 'clear_false_positive',
        reason === undefined ? {} : { reason },
        allowlisting(falsePositive, reason, by),
      ),
    activate: (id: string, by: ChangeCaller) =>
      patch(
        by,
        'indicators.activate',
        id,
        { active: true, falsePositive: false },
        'reactivate',
        {},
        allowlisting(false, undefined, by),
      ),
    delete: (id: string, by: ChangeCaller): Promise<{ ok: true }> =>
      db.writes.run('indicators.delete', () => {
        const row = mustGet(id)
        sqlite.transaction(() => {
          repo.remove(row.rowid)
          // Its intel relationships and its place in threat reports go with it.
          deleteObjectLinks(sqlite, id)
          changes.record(by, {
            entity: 'indicator',
            entityId: id,
            operation: 'delete',
            changes: { type: row.type, value: row.value },
          })
        })()
        events.emit('indicators.onDidChange', { kind: 'deleted', ids: [id] })
        return { ok: true as const }
      }),
    get: (id: string): Indicator => rowToIndicator(mustGet(id)),
    reportedIn: (id: string): ReportedIn => repo.reportedIn(mustGet(id).rowid),
    lookup: (value: string, type: IocType | undefined): Indicator | null => {
      const key = parseOrThrow(value, type)
      const row = repo.lookup(key.type, key.value)
      return row === undefined ? null : rowToIndicator(row)
    },
    /** Start of the `recent` window, from the core's clock. */
    since: (days: number): string =>
      new Date(clock.now().getTime() - days * 86_400_000).toISOString(),
  }
}
