import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '#shared/contract/settings.contract'
import { callerOf, type ChangeLog } from '../audit/change-log'
import { fieldDiff } from '../audit/change-log-writer'
import type { Database } from '../db/data-source'
import { SettingEntity } from '../db/entities/setting.entity'
import type { EventHub } from '../events/event-hub'
import type { Clock } from '../platform/clock'
import type { HandlerMap } from '../rpc/handlers'

const KEY = 'app'

export type SettingsService = {
  read(): Promise<Settings>
  handlers: HandlerMap<'settings.get' | 'settings.update'>
}

export const createSettingsService = (deps: {
  db: Database
  clock: Clock
  events: EventHub
  changes: ChangeLog
}): SettingsService => {
  const repo = () => deps.db.dataSource.getRepository(SettingEntity)
  const read = async (): Promise<Settings> => {
    const row = await repo().findOneBy({ key: KEY })
    if (!row) return DEFAULT_SETTINGS
    // A value from an older version may lack newer keys: defaults fill them in.
    const parsed = SettingsSchema.partial().safeParse(JSON.parse(row.value))
    return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) }
  }
  return {
    read,
    handlers: {
      'settings.get': () => read(),
      'settings.update': ({ patch }, call) =>
        deps.db.writes.run('settings.update', async () => {
          const current = await read()
          const next = { ...current, ...patch }
          const diff = fieldDiff(current, next)
          // Nothing changed: nothing to write or record (listeners still hear the answer).
          if (Object.keys(diff).length > 0) {
            await deps.db.dataSource.transaction(async (m) => {
              await m.getRepository(SettingEntity).save({
                key: KEY,
                value: JSON.stringify(next),
                updatedAt: deps.clock.now().toISOString(),
              })
              deps.changes.record(callerOf(call), {
                entity: 'settings',
                entityId: KEY,
                operation: 'update',
                changes: diff,
              })
            })
          }
          deps.events.emit('settings.onDidChange', next)
          return next
        }),
    },
  }
}
