import { z } from 'zod'
import {
  DEFAULT_SUMMARY_SCHEDULE,
  SummaryFormatSchema,
  SummaryTimeSchema,
  SummaryWeekdaySchema,
  type SummarySchedule,
} from '#shared/contract/summaries.schemas'
import type { ChangeCaller } from '../audit/change-caller'
import { fieldDiff } from '../audit/change-log-writer'
import type { CoreContext } from '../core-context'
import { createSettingsRepository } from '../settings/settings.repository'
import { writeSettingRow } from '../settings/settings.service'

const KEY = 'summaries'

/**
 * The summaries' schedule, in its own settings row (so the app's settings schema stays as it is). `since`
 * is when a schedule was turned on: only times due after it count, so turning the daily report on at 10:00
 * with a 06:00 time does not produce yesterday's report at once; the first one comes tomorrow.
 */
const StoredSchema = z.object({
  daily: z
    .object({
      enabled: z.boolean(),
      time: SummaryTimeSchema,
      since: z.string().nullable().default(null),
    })
    .default({ ...DEFAULT_SUMMARY_SCHEDULE.daily, since: null }),
  weekly: z
    .object({
      enabled: z.boolean(),
      weekday: SummaryWeekdaySchema,
      time: SummaryTimeSchema,
      since: z.string().nullable().default(null),
    })
    .default({ ...DEFAULT_SUMMARY_SCHEDULE.weekly, since: null }),
  format: SummaryFormatSchema.default(DEFAULT_SUMMARY_SCHEDULE.format),
})
export type StoredSchedule = z.infer<typeof StoredSchema>

export type SchedulePatch = {
  daily?: Partial<SummarySchedule['daily']>
  weekly?: Partial<SummarySchedule['weekly']>
  format?: SummarySchedule['format']
}

export const publicSchedule = (s: StoredSchedule): SummarySchedule => ({
  daily: { enabled: s.daily.enabled, time: s.daily.time },
  weekly: { enabled: s.weekly.enabled, weekday: s.weekly.weekday, time: s.weekly.time },
  format: s.format,
})

export const createSummaryScheduleStore = (ctx: Pick<CoreContext, 'db' | 'clock' | 'changes'>) => {
  const read = async (): Promise<StoredSchedule> => {
    const text = await createSettingsRepository(ctx.db.dataSource.manager).read(KEY)
    const parsed = StoredSchema.safeParse(text === null ? {} : JSON.parse(text))
    return parsed.success ? parsed.data : StoredSchema.parse({})
  }
  return {
    read,
    /** Applies the patch on the write queue; answers the schedule as it is now. */
    update: (patch: SchedulePatch, by: ChangeCaller): Promise<StoredSchedule> =>
      ctx.db.writes.run('summaries.setSchedule', async () => {
        const current = await read()
        const now = ctx.clock.now().toISOString()
        const since = (was: boolean, is: boolean, old: string | null) =>
          is && !was ? now : is ? old : null
        const daily = { ...current.daily, ...patch.daily }
        const weekly = { ...current.weekly, ...patch.weekly }
        const next: StoredSchedule = {
          daily: { ...daily, since: since(current.daily.enabled, daily.enabled, daily.since) },
          weekly: { ...weekly, since: since(current.weekly.enabled, weekly.enabled, weekly.since) },
          format: patch.format ?? current.format,
        }
        const diff = fieldDiff(publicSchedule(current), publicSchedule(next))
        if (Object.keys(diff).length > 0) await writeSettingRow(ctx, KEY, next, by, diff)
        return next
      }),
  }
}

export type SummaryScheduleStore = ReturnType<typeof createSummaryScheduleStore>
