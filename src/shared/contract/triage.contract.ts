import { z } from 'zod'
import { Ok, PageLimit, Timestamp, Uuid } from './common.schemas'
import { method } from './define'

/** What the queue holds: alerts not resolved and incidents open or escalated. */
export const TRIAGE_KINDS = ['alert', 'incident'] as const
export const TriageKindSchema = z.enum(TRIAGE_KINDS)
export type TriageKind = z.infer<typeof TriageKindSchema>

/** The statuses an item in the queue can have (alerts: open, acknowledged; incidents: open, escalated). */
export const TRIAGE_STATUSES = ['open', 'acknowledged', 'escalated'] as const
export const TriageStatusSchema = z.enum(TRIAGE_STATUSES)
export type TriageStatus = z.infer<typeof TriageStatusSchema>

export const TRIAGE_ACTIONS = [
  'acknowledge',
  'escalate',
  'resolve',
  'false_positive',
  'true_positive',
  'assign',
] as const
export const TriageActionSchema = z.enum(TRIAGE_ACTIONS)
export type TriageAction = z.infer<typeof TriageActionSchema>

/** At most this many items per triage.act (the alerts' bulk bound). */
export const TRIAGE_ACT_MAX = 1000

const Severity100 = z.number().int().min(0).max(100)
const Text200 = z.string().trim().min(1).max(200)

export const TriageFilterSchema = z.strictObject({
  kind: TriageKindSchema.optional(),
  status: z.array(TriageStatusSchema).min(1).max(TRIAGE_STATUSES.length).optional(),
  minSeverity: Severity100.optional(),
  /** One tag, exact: an incident's own tags, an alert's indicator's tags. */
  tag: z.string().trim().min(1).max(128).optional(),
  /** An assignee's name; null: unassigned items. */
  assignee: Text200.nullable().optional(),
  /** Words in the title, URL or summary (case-insensitive substring). */
  q: Text200.optional(),
  /** An incident's project, an alert's indicator's project. */
  projectId: Uuid.optional(),
})
export type TriageFilter = z.infer<typeof TriageFilterSchema>

export const TriageItemSchema = z.object({
  kind: TriageKindSchema,
  id: Uuid,
  /** An alert's title; an incident's summary, or its URL when it has none. */
  title: z.string(),
  /** What it is about: the indicator's value or the incident's URL. */
  value: z.string().nullable(),
  indicatorId: Uuid.nullable(),
  indicatorType: z.string().nullable(),
  severity: Severity100,
  /** The alert's score at trigger; for an incident, its indicator's current score (null without one). */
  score: z.number().int().nullable(),
  status: TriageStatusSchema,
  /** Who reported it: an incident's sources, an alert's rule and its indicator's feeds (bounded). */
  sources: z.array(z.string()),
  tags: z.array(z.string()),
  /** The queue's time: an alert's creation, an incident's last sighting. */
  at: Timestamp,
  assignee: z.string().nullable(),
  /** The incident an alert opened (alerts only). */
  incidentId: Uuid.nullable(),
})
export type TriageItem = z.infer<typeof TriageItemSchema>

export const TriageRefSchema = z.strictObject({ kind: TriageKindSchema, id: Uuid })
export type TriageRef = z.infer<typeof TriageRefSchema>

export const TriageOutcomeSchema = z.object({
  kind: TriageKindSchema,
  id: Uuid,
  /** changed: the action did something; unchanged: already so; skipped: it does not apply (see reason). */
  outcome: z.enum(['changed', 'unchanged', 'skipped']),
  reason: z.string().optional(),
})
export type TriageOutcome = z.infer<typeof TriageOutcomeSchema>

export const TriageViewSchema = z.object({
  id: Uuid,
  name: z.string(),
  filter: TriageFilterSchema,
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type TriageView = z.infer<typeof TriageViewSchema>

export const RELATED_KINDS = ['run', 'tag', 'malware', 'event'] as const
/** Indicators per related group; `more` says whether there were others. */
export const RELATED_GROUP_MAX = 20

export const RelatedGroupSchema = z.object({
  /** Same import run, same tag, same malware family, same event (a MISP event's title). */
  kind: z.enum(RELATED_KINDS),
  key: z.string(),
  items: z.array(
    z.object({
      id: Uuid,
      type: z.string(),
      value: z.string(),
      severity: z.string(),
      score: z.number().int(),
    }),
  ),
  more: z.boolean(),
})
export type RelatedGroup = z.infer<typeof RelatedGroupSchema>

export const triageContract = {
  'triage.list': method({
    summary:
      'The triage queue: open alerts and open or escalated incidents by severity, score, then time; with the total',
    input: z.strictObject({
      filter: TriageFilterSchema.default({}),
      limit: PageLimit,
      cursor: z.string().max(1000).optional(),
    }),
    output: z.object({
      items: z.array(TriageItemSchema),
      nextCursor: z.string().nullable(),
      total: z.number().int(),
    }),
  }),
  'triage.act': method({
    summary:
      'Acknowledge, escalate, resolve, assign or give a verdict on a selection of alerts and incidents',
    input: z
      .strictObject({
        items: z.array(TriageRefSchema).min(1).max(TRIAGE_ACT_MAX),
        action: TriageActionSchema,
        assignee: Text200.nullable().optional(),
        reason: z.string().trim().max(2000).optional(),
      })
      .refine((v) => v.action !== 'assign' || v.assignee !== undefined, {
        message: 'required for assign (null unassigns)',
        path: ['assignee'],
      }),
    output: z.object({ results: z.array(TriageOutcomeSchema), changed: z.number().int() }),
    mutates: true,
  }),
  'triage.listViews': method({
    summary: 'The saved triage views, by name',
    input: z.strictObject({}),
    output: z.object({ items: z.array(TriageViewSchema) }),
  }),
  'triage.saveView': method({
    summary: 'Save the filters under a name (replaces the view of that name)',
    input: z.strictObject({ name: Text200, filter: TriageFilterSchema }),
    output: TriageViewSchema,
    mutates: true,
  }),
  'triage.deleteView': method({
    summary: 'Delete a saved triage view',
    input: z.strictObject({ id: Uuid }),
    output: Ok,
    mutates: true,
  }),
  'indicators.related': method({
    summary:
      'Indicators related to one: same import run, same tags, same malware family, same event (bounded groups)',
    input: z.strictObject({ id: Uuid }),
    output: z.object({ groups: z.array(RelatedGroupSchema) }),
  }),
} as const
