import type { EntityManager } from 'typeorm'
import { SettingEntity } from '../db/entities/setting.entity'

/** The settings row: one JSON document under one key. */
export const createSettingsRepository = (m: EntityManager) => ({
  read: async (key: string): Promise<string | null> =>
    (await m.getRepository(SettingEntity).findOneBy({ key }))?.value ?? null,
  write: async (key: string, value: string, updatedAt: string): Promise<void> => {
    await m.getRepository(SettingEntity).save({ key, value, updatedAt })
  },
})
