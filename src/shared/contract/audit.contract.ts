import { z } from 'zod'
import { PageLimit, Timestamp, pageOf } from './common.schemas'
import { method } from './define'

/** How a change reached the core. */
export const TRANSPORTS = ['ipc', 'http', 'cli', 'in-process', 'scheduler'] as const
export const TransportSchema = z.enum(TRANSPORTS)
export type Transport = z.infer<typeof TransportSchema>

/** What the change log records changes of. */
export const AUDIT_ENTITIES = [
  'indicator',
  'project',
  'feed',
  'feed_run',
  'settings',
  'incident',
  'url_analysis',
  'alert',
  'alert_rule',
  'triage_view',
  'warninglist',
  'allowlist',
  /** A threat actor, campaign, vulnerability, malware family or threat report (intel_entities). */
  'intel_entity',
  'intel_relationship',
  'attack_catalogue',
  'summary_report',
] as const
export const AuditEntitySchema = z.enum(AUDIT_ENTITIES)
export type AuditEntity = z.infer<typeof AuditEntitySchema>

export const AUDIT_OPERATIONS = [
  'create',
  'update',
  'delete',
  'import',
  'mark_false_positive',
  'clear_false_positive',
  'reactivate',
  'archive',
  'unarchive',
  'run_start',
  'run_finish',
  /** An incident reported again while open or escalated: one more occurrence, tags and sources merged. */
  'recur',
  /** A resolved incident reported again: reopened, with the recurrence merged. */
  'reopen',
  'trigger',
  'acknowledge',
  'resolve',
  'assign',
  'set_verdict',
  'rescore',
  /** A threat report published. */
  'publish',
  /** Objects added to or taken off a threat report. */
  'attach',
  'detach',
] as const
export const AuditOperationSchema = z.enum(AUDIT_OPERATIONS)
export type AuditOperation = z.infer<typeof AuditOperationSchema>

export const ChangeEntrySchema = z.object({
  seq: z.number().int(),
  at: Timestamp,
  actor: z.string(),
  transport: TransportSchema,
  /** The contract method (or the core job) that made the change. */
  method: z.string(),
  entity: AuditEntitySchema,
  entityId: z.string().nullable(),
  operation: AuditOperationSchema,
  /** Bounded JSON of what changed: { field: { before, after } } for edits, counts and source for imports. */
  changes: z.record(z.string(), z.unknown()),
  /** SHA-256 of the previous entry (its canonical form, its own hash included); 64 zeros for the first. */
  prevHash: z.string(),
  hash: z.string(),
})
export type ChangeEntry = z.infer<typeof ChangeEntrySchema>

const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO-8601 time')

export const AuditFilterSchema = z.strictObject({
  entity: AuditEntitySchema.optional(),
  operation: AuditOperationSchema.optional(),
  actor: z.string().min(1).max(200).optional(),
  method: z.string().min(1).max(100).optional(),
  entityId: z.string().min(1).max(200).optional(),
  /** Inclusive lower bound on `at`. */
  since: Iso.optional(),
  /** Exclusive upper bound on `at`. */
  until: Iso.optional(),
})
export type AuditFilter = z.infer<typeof AuditFilterSchema>

export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  /** Entries checked. */
  checked: z.number().int(),
  lastSeq: z.number().int(),
  /** The first break, when there is one. */
  brokenAt: z
    .object({
      seq: z.number().int(),
      field: z.enum(['prevHash', 'hash', 'seq']),
      expected: z.string(),
      found: z.string(),
    })
    .nullable(),
})
export type AuditVerify = z.infer<typeof AuditVerifySchema>

/** Export cap: larger logs are exported by time range. */
export const AUDIT_EXPORT_MAX = 100_000

export const auditContract = {
  'audit.list': method({
    summary: 'Change log entries, newest first, with filters (keyset pages)',
    input: AuditFilterSchema.extend({
      limit: PageLimit,
      cursor: z.string().max(40).optional(),
    }),
    output: pageOf(ChangeEntrySchema),
  }),
  'audit.get': method({
    summary: 'One change log entry by its sequence number',
    input: z.strictObject({ seq: z.number().int().min(1) }),
    output: ChangeEntrySchema,
  }),
  'audit.verify': method({
    summary: "Check the change log's hash chain; reports the first entry where it breaks",
    input: z.strictObject({}),
    output: AuditVerifySchema,
  }),
  'audit.export': method({
    summary: `Export change log entries as CSV or JSON (oldest first, at most ${AUDIT_EXPORT_MAX})`,
    input: AuditFilterSchema.extend({ format: z.enum(['csv', 'json']).default('csv') }),
    output: z.object({
      format: z.enum(['csv', 'json']),
      count: z.number().int(),
      truncated: z.boolean(),
      content: z.string(),
    }),
  }),
} as const
