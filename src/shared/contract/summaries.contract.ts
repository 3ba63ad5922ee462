import { z } from 'zod'
import { Ok, Timestamp, Uuid } from './common.schemas'
import { method } from './define'
import { JobSchema } from './jobs.contract'
import {
  SUMMARY_STATUSES,
  SummaryFormatSchema,
  SummaryReportDetailSchema,
  SummaryReportSchema,
  SummaryScheduleSchema,
  SummaryScheduleViewSchema,
  SummaryStatusSchema,
  SummaryTimeSchema,
  SummaryTypeSchema,
  SummaryWeekdaySchema,
} from './summaries.schemas'

/** A day (YYYY-MM-DD, its UTC midnight) or an ISO timestamp. */
const RangeBound = z.union([z.iso.date(), Timestamp])

/** The most a readFile call returns at once (before base64). */
export const SUMMARY_CHUNK_MAX = 1024 * 1024

export const summariesContract = {
  'summaries.generate': method({
    summary:
      'Generate a summary report (daily: the UTC day of `from`, or yesterday; weekly: the 7 days from `from`, or the last 7 whole days; custom: from-to) as a background job; the same type and period again re-runs its report',
    input: z
      .strictObject({
        type: SummaryTypeSchema,
        from: RangeBound.optional(),
        to: RangeBound.optional(),
        format: SummaryFormatSchema.optional(),
        /** Answer once the report is written (the CLI, scripts) instead of at once with the queued row. */
        wait: z.boolean().default(false),
      })
      .superRefine((v, ctx) => {
        if (v.type === 'custom' && (v.from === undefined || v.to === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: [v.from === undefined ? 'from' : 'to'],
            message: 'a custom summary needs both from and to',
          })
        }
        if (v.type !== 'custom' && v.to !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['to'],
            message: `a ${v.type} summary's range follows from \`from\`; give type custom to choose the end`,
          })
        }
      }),
    output: z.object({ report: SummaryReportSchema, job: JobSchema }),
    mutates: true,
  }),
  'summaries.list': method({
    summary:
      'Generated summary reports, newest first: type, range, status, size and where the file is',
    input: z.strictObject({
      type: SummaryTypeSchema.optional(),
      status: z.array(SummaryStatusSchema).min(1).max(SUMMARY_STATUSES.length).optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    output: z.object({ items: z.array(SummaryReportSchema), total: z.number().int() }),
  }),
  'summaries.get': method({
    summary: 'One summary report with its statistics',
    input: z.strictObject({ id: Uuid }),
    output: SummaryReportDetailSchema,
  }),
  'summaries.delete': method({
    summary: 'Delete a summary report and its file',
    input: z.strictObject({ id: Uuid }),
    output: Ok,
    mutates: true,
  }),
  'summaries.readFile': method({
    summary: `Read part of a summary report's file, base64 (at most ${SUMMARY_CHUNK_MAX} bytes a call)`,
    input: z.strictObject({
      id: Uuid,
      offset: z.number().int().min(0).default(0),
      length: z
        .number()
        .int()
        .min(1)
        .max(SUMMARY_CHUNK_MAX)
        .default(256 * 1024),
    }),
    output: z.object({
      data: z.base64(),
      offset: z.number().int(),
      /** The whole file's size. */
      size: z.number().int(),
      eof: z.boolean(),
      /** A file name to save it as (no directory). */
      name: z.string(),
      contentType: z.string(),
    }),
  }),
  'summaries.getSchedule': method({
    summary: 'When daily and weekly summaries are generated (UTC), and in which format',
    input: z.strictObject({}),
    output: SummaryScheduleViewSchema,
  }),
  'summaries.setSchedule': method({
    summary: 'Change when daily and weekly summaries are generated (UTC) and their format',
    input: z.strictObject({
      daily: z.strictObject({ enabled: z.boolean(), time: SummaryTimeSchema }).partial().optional(),
      weekly: z
        .strictObject({
          enabled: z.boolean(),
          weekday: SummaryWeekdaySchema,
          time: SummaryTimeSchema,
        })
        .partial()
        .optional(),
      format: SummaryScheduleSchema.shape.format.optional(),
    }),
    output: SummaryScheduleViewSchema,
    mutates: true,
  }),
} as const

export const summariesEvents = {
  /** A summary report was queued, started, finished, failed or deleted. */
  'summaries.onDidChange': z.object({ id: Uuid, status: SummaryStatusSchema.nullable() }),
} as const
