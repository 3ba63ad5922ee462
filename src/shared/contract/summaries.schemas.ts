import { z } from 'zod'
import { INTEL_KINDS } from './intel.schemas'
import { Timestamp, Uuid } from './common.schemas'
import { IOC_TYPES, RISK_LEVELS, SEVERITIES, TLP_LEVELS } from '../domain/enums'

/**
 * Summary reports (issue 11; the seed schema's reports): what arrived, what scored high and what was
 * triaged over a day, a week or a custom range, with the figures for charts. The shapes live here rather
 * than in summaries.contract.ts because the jobs contract types the generation job's result with them.
 */
export const SUMMARY_TYPES = ['daily', 'weekly', 'custom'] as const
export const SummaryTypeSchema = z.enum(SUMMARY_TYPES)
export type SummaryType = z.infer<typeof SummaryTypeSchema>

export const SUMMARY_STATUSES = ['queued', 'running', 'done', 'failed'] as const
export const SummaryStatusSchema = z.enum(SUMMARY_STATUSES)
export type SummaryStatus = z.infer<typeof SummaryStatusSchema>

/**
 * pdf: the report drawn by the PDF writer (TLP on every page, charts, the high scorers defanged); md: the
 * report as Markdown tables; json: the statistics; csv: the indicators that arrived.
 */
export const SUMMARY_FORMATS = ['pdf', 'md', 'json', 'csv'] as const
export const SummaryFormatSchema = z.enum(SUMMARY_FORMATS)
export type SummaryFormat = z.infer<typeof SummaryFormatSchema>

export const SUMMARY_TRIGGERS = ['manual', 'scheduled'] as const
export const SummaryTriggerSchema = z.enum(SUMMARY_TRIGGERS)

/** How many of the high-scoring arrivals the statistics name (the rest are counted). */
export const SUMMARY_TOP = 20
/** The longest custom range: a year and a day (a leap year). */
export const SUMMARY_MAX_RANGE_DAYS = 367

const Count = z.number().int().min(0)
const Counts = z.record(z.string(), Count)

export const SummaryIndicatorSchema = z.object({
  id: Uuid,
  type: z.enum(IOC_TYPES),
  value: z.string(),
  score: z.number().int(),
  riskLevel: z.enum(RISK_LEVELS),
  severity: z.enum(SEVERITIES),
  tlp: z.enum(TLP_LEVELS),
  createdAt: Timestamp,
})
export type SummaryIndicator = z.infer<typeof SummaryIndicatorSchema>

export const SummaryFeedRowSchema = z.object({
  /** null: indicators that came with no feed (added by hand, one-off imports). */
  feedId: Uuid.nullable(),
  name: z.string(),
  /** New indicators this feed reported (an indicator two feeds reported counts for both). */
  indicators: Count,
  runs: Count,
  failedRuns: Count,
  created: Count,
  updated: Count,
  rejected: Count,
})
export type SummaryFeedRow = z.infer<typeof SummaryFeedRowSchema>

export const SummaryDaySchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  indicators: Count,
  high: Count,
  alerts: Count,
  incidents: Count,
})

export const SummaryStatsSchema = z.object({
  rangeStart: Timestamp,
  rangeEnd: Timestamp,
  arrived: z.object({
    total: Count,
    byType: Counts,
    bySeverity: Counts,
    byRisk: Counts,
    byTlp: z.partialRecord(z.enum(TLP_LEVELS), Count),
    /** Ten buckets: scores 0-9, 10-19, …, 90-100. */
    scoreBuckets: z.array(Count).length(10),
    byFeed: z.array(SummaryFeedRowSchema),
  }),
  runs: z.object({
    total: Count,
    succeeded: Count,
    failed: Count,
    cancelled: Count,
    rows: Count,
    created: Count,
    updated: Count,
    rejected: Count,
  }),
  high: z.object({
    /** The settings' high-risk threshold when the report was made. */
    threshold: z.number().int(),
    count: Count,
    top: z.array(SummaryIndicatorSchema).max(SUMMARY_TOP),
  }),
  triage: z.object({
    alertsRaised: Count,
    alertsAcknowledged: Count,
    alertsResolved: Count,
    incidentsOpened: Count,
    incidentsEscalated: Count,
    incidentsResolved: Count,
  }),
  intel: z.object({
    created: z.partialRecord(z.enum(INTEL_KINDS), Count),
    updated: z.partialRecord(z.enum(INTEL_KINDS), Count),
  }),
  /** One entry per UTC day of the range, in order, days without anything included (a chart's x axis). */
  timeline: z.array(SummaryDaySchema),
})
export type SummaryStats = z.infer<typeof SummaryStatsSchema>

export const SummaryReportSchema = z.object({
  id: Uuid,
  type: SummaryTypeSchema,
  title: z.string(),
  rangeStart: Timestamp,
  rangeEnd: Timestamp,
  status: SummaryStatusSchema,
  trigger: SummaryTriggerSchema,
  format: SummaryFormatSchema,
  /** Where the file is on this machine; null until it is written. */
  filePath: z.string().nullable(),
  fileSize: Count.nullable(),
  error: z.string().nullable(),
  createdAt: Timestamp,
  finishedAt: Timestamp.nullable(),
})
export type SummaryReport = z.infer<typeof SummaryReportSchema>

export const SummaryReportDetailSchema = SummaryReportSchema.extend({
  stats: SummaryStatsSchema.nullable(),
})
export type SummaryReportDetail = z.infer<typeof SummaryReportDetailSchema>

/** HH:MM, 24-hour, UTC. */
export const SummaryTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24-hour, UTC)')

/** ISO weekday: 1 Monday … 7 Sunday. */
export const SummaryWeekdaySchema = z.number().int().min(1).max(7)

export const SummaryScheduleSchema = z.object({
  daily: z.object({ enabled: z.boolean(), time: SummaryTimeSchema }),
  weekly: z.object({
    enabled: z.boolean(),
    weekday: SummaryWeekdaySchema,
    time: SummaryTimeSchema,
  }),
  format: SummaryFormatSchema,
})
export type SummarySchedule = z.infer<typeof SummaryScheduleSchema>

export const SummaryScheduleViewSchema = SummaryScheduleSchema.extend({
  /** When the next scheduled reports are due (null: that schedule is off). */
  nextDaily: Timestamp.nullable(),
  nextWeekly: Timestamp.nullable(),
})
export type SummaryScheduleView = z.infer<typeof SummaryScheduleViewSchema>

export const DEFAULT_SUMMARY_SCHEDULE: SummarySchedule = {
  daily: { enabled: false, time: '06:00' },
  weekly: { enabled: false, weekday: 1, time: '06:00' },
  format: 'md',
}
