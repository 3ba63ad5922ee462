import { z } from 'zod'
import { attackContract } from './attack.contract'
import { auditContract } from './audit.contract'
import { PageLimit, Timestamp, Uuid } from './common.schemas'
import { method } from './define'
import { RpcErrorSchema } from './errors'
import { ScanJobSchema } from './enrichment.schemas'
import { ExportFileSchema } from './export.schemas'
import { indicatorsContract } from './indicators.contract'
import { warninglistsContract } from './warninglists.contract'
import { RescoreReportSchema } from './scoring.schemas'
import { SummaryReportSchema } from './summaries.schemas'

/**
 * Contract methods that can also run as a background job (`jobs.start`): work long enough that a caller
 * should not hold one request open for it. A kind is the method's name; the job runs that method's handler
 * with the same input and keeps its output as the result. Imports and feed runs are not here: they are runs
 * (feeds.getRun, feeds.onDidProgress), which already return an id at once with `wait: false`.
 * `scoring.rescore` and `export.start` are kinds whose method starts the job itself (it answers with the job).
 */
export const JOB_KINDS = [
  'audit.verify',
  'audit.export',
  'indicators.bulkCreate',
  'warninglists.rescan',
  'scoring.rescore',
  'export.start',
  'attack.rebuildKnowledge',
  'summaries.generate',
  'enrichment.run',
] as const
export const JobKindSchema = z.enum(JOB_KINDS)
export type JobKind = (typeof JOB_KINDS)[number]

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const
export const JobStatusSchema = z.enum(JOB_STATUSES)
export type JobStatus = (typeof JOB_STATUSES)[number]

/** How far a job has got, in the kind's own unit (entries checked, lines read); total null: not known. */
export const JobProgressSchema = z.object({
  done: z.number().int().min(0),
  total: z.number().int().min(0).nullable(),
})
export type JobProgress = z.infer<typeof JobProgressSchema>

export const JobSchema = z.object({
  id: Uuid,
  kind: JobKindSchema,
  status: JobStatusSchema,
  progress: JobProgressSchema,
  /** Why it failed or was cancelled, as the method itself would have answered. */
  error: RpcErrorSchema.nullable(),
  /** Who started it (as the change log names callers). */
  actor: z.string(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
})
export type Job = z.infer<typeof JobSchema>

const detailOf = <K extends JobKind, O extends z.ZodType>(kind: K, output: O) =>
  JobSchema.extend({
    kind: z.literal(kind),
    /** The method's output once the job succeeded; null before, on failure, and once let go. */
    result: output.nullable(),
    /** The result was let go to bound memory (only the newest JOB_RESULTS_KEPT results stay). */
    resultExpired: z.boolean(),
  })

/** A job with its result, typed by its kind. */
export const JobDetailSchema = z.discriminatedUnion('kind', [
  detailOf('audit.verify', auditContract['audit.verify'].output),
  detailOf('audit.export', auditContract['audit.export'].output),
  detailOf('indicators.bulkCreate', indicatorsContract['indicators.bulkCreate'].output),
  detailOf('warninglists.rescan', warninglistsContract['warninglists.rescan'].output),
  detailOf('scoring.rescore', RescoreReportSchema),
  detailOf('export.start', ExportFileSchema),
  detailOf('attack.rebuildKnowledge', attackContract['attack.rebuildKnowledge'].output),
  detailOf('summaries.generate', SummaryReportSchema),
  detailOf('enrichment.run', ScanJobSchema),
])
export type JobDetail = z.infer<typeof JobDetailSchema>

const startOf = <K extends JobKind, I extends z.ZodType>(kind: K, input: I) =>
  z.strictObject({ kind: z.literal(kind), input })

export const JobStartSchema = z.discriminatedUnion('kind', [
  startOf('audit.verify', auditContract['audit.verify'].input),
  startOf('audit.export', auditContract['audit.export'].input),
  startOf('indicators.bulkCreate', indicatorsContract['indicators.bulkCreate'].input),
  startOf('warninglists.rescan', warninglistsContract['warninglists.rescan'].input),
  startOf('attack.rebuildKnowledge', attackContract['attack.rebuildKnowledge'].input),
  // scoring.rescore, summaries.generate, export.start and enrichment.run are not started through jobs.start: the method
  // itself starts its job (and answers it).
])

/** Finished jobs this process keeps for jobs.get and jobs.list (the oldest go first); jobs are not persisted. */
export const JOBS_KEPT = 100
/** Results kept in memory (an export's content can be tens of megabytes): the newest finished jobs' only. */
export const JOB_RESULTS_KEPT = 8

export const jobsContract = {
  'jobs.start': method({
    summary:
      'Start a long call as a background job: returns the job at once; follow it with jobs.get or the jobs events',
    input: JobStartSchema,
    output: JobSchema,
    mutates: true,
  }),
  'jobs.get': method({
    summary: 'One job with its progress and, once finished, its result or error',
    input: z.strictObject({ id: Uuid }),
    output: JobDetailSchema,
  }),
  'jobs.list': method({
    summary: `Jobs of this process, newest first (the last ${JOBS_KEPT} finished ones are kept)`,
    input: z.strictObject({
      kind: JobKindSchema.optional(),
      status: JobStatusSchema.optional(),
      limit: PageLimit,
    }),
    output: z.object({ items: z.array(JobSchema) }),
  }),
  'jobs.cancel': method({
    summary: 'Cancel a queued or running job (what it committed before stays committed)',
    input: z.strictObject({ id: Uuid }),
    output: JobSchema,
    mutates: true,
  }),
} as const

export const jobsEvents = {
  /** At most every 250 ms per job, plus once when it starts. */
  'jobs.onDidProgress': z.object({ job: JobSchema }),
  /** Succeeded, failed or cancelled; jobs.get has the result. */
  'jobs.onDidFinish': z.object({ job: JobSchema }),
} as const
