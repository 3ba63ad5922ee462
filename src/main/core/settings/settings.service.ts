import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from '#shared/contract/settings.contract'
import type { ChangeCaller } from '../audit/change-caller'
import type { ChangeLog } from '../audit/change-log'
import { fieldDiff } from '../audit/change-log-writer'
import type { Database } from '../db/data-source'
import type { EventHub } from '../events/event-hub'
import type { Clock } from '../platform/clock'
import { createSettingsRepository } from './settings.repository'

const KEY = 'app'

export type SettingsService = {
  read(): Promise<Settings>
  update(patch: Partial<Settings>, by: ChangeCaller): Promise<Settings>
}

type SettingsDeps = { db: Database; clock: Clock; changes: ChangeLog }

/**
 * Writes one settings row and its change-log entry in one transaction. Callers run it on the write queue;
 * every settings row (the app's, the desktop's API sharing) is written this way.
 */
export const writeSettingRow = (
  deps: SettingsDeps,
  key: string,
  value: unknown,
  by: ChangeCaller,
  changes: Record<string, unknown>,
): Promise<void> =>
  deps.db.dataSource.transaction(async (m) => {
    await createSettingsRepository(m).write(
      key,
      JSON.stringify(value),
      deps.clock.now().toISOString(),
    )
    deps.changes.record(by, { entity: 'settings', entityId: key, operation: 'update', changes })
  })

export const createSettingsService = (
  deps: SettingsDeps & { events: EventHub },
): SettingsService => {
  const read = async (): Promise<Settings> => {
    const value = await createSettingsRepository(deps.db.dataSource.manager).read(KEY)
    if (value === null) return DEFAULT_SETTINGS
    // A value from an older version may lack newer keys: defaults fill them in.
    const parsed = SettingsSchema.partial().safeParse(JSON.parse(value))
    return { ...DEFAULT_SETTINGS, ...(parsed.success ? parsed.data : {}) }
  }
  return {
    read,
    update: (patch, by) =>
      deps.db.writes.run('settings.update', async () => {
        const current = await read()
        const next = { ...current, ...patch }
        const diff = fieldDiff(current, next)
        // Nothing changed: nothing to write or record (listeners still hear the answer).
        if (Object.keys(diff).length > 0) await writeSettingRow(deps, KEY, next, by, diff)
        deps.events.emit('settings.onDidChange', next)
        return next
      }),
  }
}
