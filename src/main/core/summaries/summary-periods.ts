import { AppError } from '#shared/contract/errors'
import {
  SUMMARY_MAX_RANGE_DAYS,
  type SummarySchedule,
  type SummaryType,
} from '#shared/contract/summaries.schemas'

/**
 * Periods of summary reports, all in UTC (a report made on two machines, or by the desktop and a team
 * server, covers the same hours): a daily report is one UTC day, a weekly one seven, both starting at
 * midnight; a custom range is what the caller gave. The end is excluded throughout.
 */
export type Period = { type: SummaryType; start: string; end: string }

const DAY_MS = 86_400_000

const midnight = (d: Date): Date =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))

/** A bound as the contract takes it: YYYY-MM-DD is that day's UTC midnight. */
const boundOf = (v: string): Date => new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v)

/**
 * The period a generate call asks for. Without `from`, daily is yesterday and weekly the seven whole days
 * before today (the last complete periods: today's is still filling up).
 */
export const periodOf = (
  input: { type: SummaryType; from?: string; to?: string },
  now: Date,
): Period => {
  if (input.type === 'custom') {
    if (input.from === undefined || input.to === undefined) {
      throw new AppError('invalid_input', 'from: a custom summary needs both from and to', {
        field: input.from === undefined ? 'from' : 'to',
      })
    }
    const start = boundOf(input.from)
    const end = boundOf(input.to)
    if (end.getTime() <= start.getTime()) {
      throw new AppError('invalid_input', 'to: must be after from', { field: 'to' })
    }
    if (end.getTime() - start.getTime() > SUMMARY_MAX_RANGE_DAYS * DAY_MS) {
      throw new AppError(
        'invalid_input',
        `to: a summary covers at most ${SUMMARY_MAX_RANGE_DAYS} days`,
        { field: 'to' },
      )
    }
    return { type: 'custom', start: start.toISOString(), end: end.toISOString() }
  }
  const days = input.type === 'daily' ? 1 : 7
  const start =
    input.from === undefined
      ? new Date(midnight(now).getTime() - days * DAY_MS)
      : midnight(boundOf(input.from))
  return {
    type: input.type,
    start: start.toISOString(),
    end: new Date(start.getTime() + days * DAY_MS).toISOString(),
  }
}

/** "Daily summary 2026-12-02", "Weekly summary 2026-11-26 – 2026-12-02" (the last day included). */
export const titleOf = (p: Period): string => {
  const first = p.start.slice(0, 10)
  const lastIncluded = new Date(new Date(p.end).getTime() - 1).toISOString()
  const last = lastIncluded.slice(0, 10)
  const name = { daily: 'Daily', weekly: 'Weekly', custom: 'Summary' }[p.type]
  if (p.type === 'custom') {
    const whole = p.start.endsWith('T00:00:00.000Z') && p.end.endsWith('T00:00:00.000Z')
    if (!whole) return `${name} ${p.start.slice(0, 16)}Z – ${p.end.slice(0, 16)}Z`
    return first === last ? `${name} ${first}` : `${name} ${first} – ${last}`
  }
  return first === last ? `${name} summary ${first}` : `${name} summary ${first} – ${last}`
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number)
  return (h ?? 0) * 60 + (m ?? 0)
}

/** ISO weekday of a date (1 Monday … 7 Sunday). */
const isoWeekday = (d: Date): number => ((d.getUTCDay() + 6) % 7) + 1

/**
 * The latest time at or before `now` when a schedule was due, and the period it produces: a daily
 * schedule at 06:00 is due every day at 06:00 for the day before; a weekly one on its weekday at its time
 * for the seven days before that day.
 */
export const lastDue = (
  type: 'daily' | 'weekly',
  schedule: SummarySchedule,
  now: Date,
): { at: Date; period: Period } => {
  const minutes = minutesOf(schedule[type].time)
  let day = midnight(now)
  if (type === 'weekly') {
    const back = (isoWeekday(day) - schedule.weekly.weekday + 7) % 7
    day = new Date(day.getTime() - back * DAY_MS)
  }
  let at = new Date(day.getTime() + minutes * 60_000)
  if (at.getTime() > now.getTime()) {
    day = new Date(day.getTime() - (type === 'daily' ? 1 : 7) * DAY_MS)
    at = new Date(day.getTime() + minutes * 60_000)
  }
  return { at, period: periodOf({ type, from: undefined }, day) }
}

/** The next time after `now` when a schedule is due. */
export const nextDue = (type: 'daily' | 'weekly', schedule: SummarySchedule, now: Date): Date => {
  const { at } = lastDue(type, schedule, now)
  return new Date(at.getTime() + (type === 'daily' ? 1 : 7) * DAY_MS)
}
