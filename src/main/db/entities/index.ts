import type { MixedList } from 'typeorm'
import { SettingEntity } from './setting.entity'

// Every entity class, in one list for the DataSource (SQLite on the desktop, PostgreSQL on the team server).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entities: MixedList<Function> = [SettingEntity]
