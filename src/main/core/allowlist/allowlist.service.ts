import { AppError } from '#shared/contract/errors'
import type { AllowlistEntry } from '#shared/contract/allowlist.contract'
import type { IocType } from '#shared/domain'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { indicatorId } from '../indicators/indicator-id.node'
import { parseOrThrow } from '../indicators/indicators.service'
import { createAllowlistRepository } from './allowlist.repository'

/**
 * The analysts' false-positive allowlist. indicators.markFalsePositive adds to it and clearing the mark takes
 * the value off (src/main/core/indicators/indicators.service.ts); these are the direct edits. An entry acts on
 * later imports (src/main/core/warninglists/ingest-screen.ts); the indicator itself is marked with
 * indicators.markFalsePositive.
 */
export const createAllowlistService = (
  ctx: Pick<CoreContext, 'db' | 'clock' | 'changes' | 'screen'>,
) => {
  const { db, clock, changes, screen } = ctx
  const repo = createAllowlistRepository(db.sqlite)

  const add = (
    input: { type?: IocType; value: string; reason?: string },
    by: ChangeCaller,
  ): Promise<AllowlistEntry> => {
    const { type, value } = parseOrThrow(input.value, input.type)
    return db.writes.run('allowlist.add', () => {
      const id = indicatorId(type, value)
      db.sqlite.transaction(() => {
        if (repo.add(type, value, input.reason ?? '', by.actor, clock.now().toISOString())) {
          changes.record(by, {
            entity: 'allowlist',
            entityId: id,
            operation: 'create',
            changes: { type, value, reason: input.reason ?? '' },
          })
        }
      })()
      screen.allowlistChanged()
      const entry = repo.get(id)
      if (entry === undefined)
        throw new Error(`allowlist entry ${id} vanished inside the write queue`)
      return entry
    })
  }

  const remove = (
    input: { id: string } | { type?: IocType; value: string },
    by: ChangeCaller,
  ): Promise<{ ok: true }> => {
    const id =
      'id' in input
        ? input.id
        : (() => {
            const key = parseOrThrow(input.value, input.type)
            return indicatorId(key.type, key.value)
          })()
    return db.writes.run('allowlist.remove', () => {
      const entry = repo.get(id)
      if (entry === undefined) {
        throw new AppError('not_found', `id: nothing on the allowlist has id ${id}`, {
          field: 'id',
          id,
        })
      }
      db.sqlite.transaction(() => {
        repo.remove(id)
        changes.record(by, {
          entity: 'allowlist',
          entityId: id,
          operation: 'delete',
          changes: { type: entry.type, value: entry.value },
        })
      })()
      screen.allowlistChanged()
      return { ok: true as const }
    })
  }

  return {
    list: (type: IocType | undefined, limit: number) => ({
      items: repo.list(type, limit),
      total: repo.count(type),
    }),
    add,
    remove,
  }
}
