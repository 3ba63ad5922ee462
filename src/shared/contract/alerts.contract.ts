import { z } from 'zod'
import { SEVERITIES } from '../domain/enums'
import { Ok, PageLimit, Timestamp, Uuid } from './common.schemas'
import { method } from './define'

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const
export const AlertStatusSchema = z.enum(ALERT_STATUSES)
export type AlertStatus = z.infer<typeof AlertStatusSchema>

export const WEBHOOK_STATUSES = ['pending', 'delivered', 'failed'] as const
export const WebhookStatusSchema = z.enum(WEBHOOK_STATUSES)

/** What a rule watches. Each kind has its own parameters; the evaluator turns each into one SQL predicate. */
export const ALERT_RULE_KINDS = [
  'score',
  'severity',
  'tag',
  'malware',
  'project',
  'warninglist_miss',
  'enrichment_verdict',
] as const
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number]

const Severity100 = z.number().int().min(0).max(100)

/** The provider verdicts an enrichment_verdict rule can ask for (each includes the worse one). */
export const ENRICHMENT_VERDICT_LEVELS = ['suspicious', 'malicious'] as const
const RuleText = z.string().trim().min(1).max(200)

export const AlertConditionSchema = z.discriminatedUnion('kind', [
  /** The indicator's score reaches minScore. */
  z.strictObject({ kind: z.literal('score'), minScore: Severity100 }),
  /** The indicator's severity is minSeverity or worse. */
  z.strictObject({ kind: z.literal('severity'), minSeverity: z.enum(SEVERITIES) }),
  /** The indicator carries the tag (exact, case-sensitive as tags are stored). */
  z.strictObject({ kind: z.literal('tag'), tag: RuleText }),
  /** A source reported the malware family (observations.malware, case-insensitive). */
  z.strictObject({ kind: z.literal('malware'), malware: RuleText }),
  /** The indicator belongs to the project. */
  z.strictObject({ kind: z.literal('project'), projectId: Uuid }),
  /** A new indicator that no warninglist matched: something never seen and not known-benign. */
  z.strictObject({ kind: z.literal('warninglist_miss') }),
  /**
   * Enrichment: at least minProviders of the providers that judge (VirusTotal, AbuseIPDB, OTX, Shodan) call
   * the indicator minLevel or worse. Evaluated when the enrichment engine writes results.
   */
  z.strictObject({
    kind: z.literal('enrichment_verdict'),
    minLevel: z.enum(ENRICHMENT_VERDICT_LEVELS),
    minProviders: z.number().int().min(1).max(4).default(1),
  }),
])
export type AlertCondition = z.infer<typeof AlertConditionSchema>

export const AlertRuleSchema = z.object({
  id: Uuid,
  name: z.string(),
  enabled: z.boolean(),
  condition: AlertConditionSchema,
  /** No alert for an indicator some warninglist matched. */
  suppressWarninglisted: z.boolean(),
  /** A new alert of this rule also opens an incident. */
  openIncident: z.boolean(),
  /** The severity (0-100) of the rule's alerts; null: from the indicator (its score or severity). */
  alertSeverity: Severity100.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type AlertRule = z.infer<typeof AlertRuleSchema>

const RuleFields = {
  name: RuleText,
  enabled: z.boolean(),
  condition: AlertConditionSchema,
  suppressWarninglisted: z.boolean(),
  openIncident: z.boolean(),
  alertSeverity: Severity100.nullable(),
}

export const AlertRulePatchSchema = z.strictObject(z.object(RuleFields).partial().shape)
export type AlertRulePatch = z.infer<typeof AlertRulePatchSchema>

export const AlertSchema = z.object({
  id: Uuid,
  ruleId: Uuid.nullable(),
  title: z.string(),
  severity: Severity100,
  score: z.number().int().nullable(),
  status: AlertStatusSchema,
  indicatorId: Uuid.nullable(),
  incidentId: Uuid.nullable(),
  /** The rule, the run or call that changed the indicator, and what matched. */
  triggeredBy: z.record(z.string(), z.unknown()),
  assignee: z.string().nullable(),
  dedupKey: z.string(),
  /** 1, plus one per re-trigger while the alert was open or acknowledged. */
  triggerCount: z.number().int(),
  lastTriggeredAt: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  acknowledgedAt: Timestamp.nullable(),
  resolvedAt: Timestamp.nullable(),
  /** The webhook's delivery of this alert; null when no webhook was set when it triggered. */
  webhook: z
    .object({
      status: WebhookStatusSchema,
      attempts: z.number().int(),
      error: z.string().nullable(),
      at: Timestamp.nullable(),
    })
    .nullable(),
})
export type Alert = z.infer<typeof AlertSchema>

/** At most this many ids per bulk acknowledge / resolve / assign. */
export const ALERT_BULK_MAX = 1000

/**
 * One alert (`id`) or several (`ids`): exactly one of the two (the handler checks it, naming `ids`; a zod
 * refinement here would keep REST from deriving the by-path body schema).
 */
const Targets = {
  id: Uuid.optional(),
  ids: z.array(Uuid).min(1).max(ALERT_BULK_MAX).optional(),
}

export const AlertFilterSchema = z.strictObject({
  status: z.array(AlertStatusSchema).min(1).max(3).optional(),
  minSeverity: Severity100.optional(),
  ruleId: Uuid.optional(),
  /** An assignee's name; null: unassigned alerts. */
  assignee: z.string().trim().min(1).max(200).nullable().optional(),
  /** Words in the title (the rule's name and the indicator's value). */
  q: z.string().trim().min(1).max(200).optional(),
})
export type AlertFilter = z.infer<typeof AlertFilterSchema>

const AlertChange = z.object({ items: z.array(AlertSchema), changed: z.number().int() })

/** What an alert's trigger event carries: enough for a notification, bounded for a storm of them. */
export const AlertNoticeSchema = z.object({
  id: Uuid,
  title: z.string(),
  severity: Severity100,
  ruleId: Uuid.nullable(),
  indicatorId: Uuid.nullable(),
})
export type AlertNotice = z.infer<typeof AlertNoticeSchema>
/** Alerts named in one onDidTrigger event; `count` says how many triggered in all. */
export const ALERT_NOTICE_MAX = 20

/** The webhook URL: http or https, no credentials in it (the secret signs instead). */
export const WebhookUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine(
    (u) => {
      try {
        const url = new URL(u)
        return (
          (url.protocol === 'http:' || url.protocol === 'https:') &&
          url.username === '' &&
          url.password === ''
        )
      } catch {
        return false
      }
    },
    { message: 'an http:// or https:// URL without a user name or password' },
  )

/** The alerts' settings as every reader sees them: the webhook's secret is never sent, only whether one is set. */
export const AlertSettingsSchema = z.object({
  /** Desktop and browser notifications of new alerts. */
  notifications: z.boolean(),
  webhook: z.object({
    /** null: no webhook. */
    url: z.string().nullable(),
    hasSecret: z.boolean(),
  }),
})
export type AlertSettings = z.infer<typeof AlertSettingsSchema>

export const alertsContract = {
  'alerts.list': method({
    summary: 'List alerts, most severe then newest first, with the total matching the filter',
    input: z.strictObject({
      filter: AlertFilterSchema.default({}),
      limit: PageLimit,
      cursor: z.string().max(500).optional(),
    }),
    output: z.object({
      items: z.array(AlertSchema),
      nextCursor: z.string().nullable(),
      total: z.number().int(),
    }),
  }),
  'alerts.get': method({
    summary: 'Get one alert',
    input: z.strictObject({ id: Uuid }),
    output: AlertSchema,
  }),
  'alerts.acknowledge': method({
    summary: 'Acknowledge open alerts (one id or a list)',
    input: z.strictObject(Targets),
    output: AlertChange,
    mutates: true,
  }),
  'alerts.resolve': method({
    summary: 'Resolve alerts (one id or a list); the next trigger of the same rule opens a new one',
    input: z.strictObject({ ...Targets, note: z.string().trim().max(2000).optional() }),
    output: AlertChange,
    mutates: true,
  }),
  'alerts.assign': method({
    summary: 'Assign alerts to someone (null: unassign), one id or a list',
    input: z.strictObject({
      ...Targets,
      assignee: z.string().trim().min(1).max(200).nullable(),
    }),
    output: AlertChange,
    mutates: true,
  }),
  'alerts.listRules': method({
    summary: 'List alert rules',
    input: z.strictObject({}),
    output: z.object({ items: z.array(AlertRuleSchema) }),
  }),
  'alerts.createRule': method({
    summary: 'Create an alert rule; 409 if the name is taken',
    input: z.strictObject({
      name: RuleFields.name,
      enabled: RuleFields.enabled.default(true),
      condition: RuleFields.condition,
      suppressWarninglisted: RuleFields.suppressWarninglisted.default(true),
      openIncident: RuleFields.openIncident.default(false),
      alertSeverity: RuleFields.alertSeverity.default(null),
    }),
    output: AlertRuleSchema,
    mutates: true,
  }),
  'alerts.updateRule': method({
    summary: 'Change an alert rule; 409 if the new name is taken',
    input: z.strictObject({ id: Uuid, patch: AlertRulePatchSchema }),
    output: AlertRuleSchema,
    mutates: true,
  }),
  'alerts.deleteRule': method({
    summary: 'Delete an alert rule; its alerts are kept',
    input: z.strictObject({ id: Uuid }),
    output: Ok,
    mutates: true,
  }),
  'alerts.getSettings': method({
    summary: 'Notification and webhook settings of alerts (the webhook secret is never returned)',
    input: z.strictObject({}),
    output: AlertSettingsSchema,
  }),
  'alerts.updateSettings': method({
    summary:
      'Turn notifications on or off; set or clear the webhook URL and its signing secret (HMAC-SHA256)',
    input: z.strictObject({
      notifications: z.boolean().optional(),
      webhook: z
        .strictObject({
          url: WebhookUrlSchema.nullable(),
          /** Omit to keep the current secret; null removes it. */
          secret: z.string().min(16).max(256).nullable().optional(),
        })
        .optional(),
    }),
    output: AlertSettingsSchema,
    mutates: true,
  }),
} as const

export const alertsEvents = {
  /** New alerts (not re-triggers): the first ALERT_NOTICE_MAX of them, and how many in all. */
  'alerts.onDidTrigger': z.object({ alerts: z.array(AlertNoticeSchema), count: z.number().int() }),
  /** Alerts changed (triggered, re-triggered, acknowledged, resolved, assigned); views refresh. */
  'alerts.onDidChange': z.object({
    kind: z.enum(['triggered', 'updated']),
    ids: z.array(Uuid).optional(),
  }),
} as const
