import { z } from 'zod'
import { TLP_LEVELS } from '../domain/enums'
import { Ok, PageLimit, Timestamp, Uuid, boundedJsonObject, pageOf } from './common.schemas'
import { method } from './define'
import { IndicatorFilterSchema, IndicatorSchema } from './indicators.contract'
import {
  AttackIdSchema,
  CampaignDetailsSchema,
  INTEL_KINDS,
  IntelEntitySchema,
  IntelKindSchema,
  IntelRefKindSchema,
  IntelRelationshipSchema,
  MalwareDetailsSchema,
  REPORT_SEVERITIES,
  RelationshipTypeSchema,
  ReportDetailsSchema,
  ThreatActorDetailsSchema,
  VulnerabilityDetailsSchema,
} from './intel.schemas'

const Name = z.string().trim().min(1).max(300)
const Source = z.string().trim().min(1).max(300)
const Tlp = z.enum(TLP_LEVELS)
const Confidence = z.number().int().min(0).max(100)
/** STIX ids are `<type>--<uuid>`. */
const StixId = z
  .string()
  .trim()
  .max(200)
  .regex(/^[a-z][a-z0-9-]*--[0-9a-fA-F-]{36}$/, 'a STIX id such as threat-actor--<uuid>')
/** Free text of any kind but a report: the seeds' severities (or a feed's own word). */
const EntitySeverity = z.string().trim().min(1).max(16)
const ReportSeverity = z.enum(REPORT_SEVERITIES)
/** A ref is one of our ids: an entity's or an indicator's. */
const Ref = Uuid

export const INTEL_DESCRIPTION_MAX_CHARS = 100_000
export const INTEL_ALIASES_MAX = 200
export const INTEL_TECHNIQUES_MAX = 1000
export const INTEL_SOURCES_MAX = 100

/** The fields every kind takes on create, with their defaults. */
const createCommon = {
  name: Name,
  aliases: z.array(Name).max(INTEL_ALIASES_MAX).default([]),
  description: z.string().max(INTEL_DESCRIPTION_MAX_CHARS).default(''),
  projectId: Uuid.nullable().default(null),
  tlp: Tlp.default('clear'),
  severity: EntitySeverity.nullable().default(null),
  confidence: Confidence.nullable().default(null),
  firstSeen: Timestamp.nullable().default(null),
  lastSeen: Timestamp.nullable().default(null),
  techniques: z.array(AttackIdSchema).max(INTEL_TECHNIQUES_MAX).default([]),
  sources: z.array(Source).max(INTEL_SOURCES_MAX).default(['analyst']),
  stixId: StixId.nullable().default(null),
}

// `prefault` parses the default, so an omitted `details` gets every field's own default.
export const IntelCreateSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('threat-actor'),
    ...createCommon,
    details: ThreatActorDetailsSchema.prefault({}),
  }),
  z.strictObject({
    kind: z.literal('campaign'),
    ...createCommon,
    details: CampaignDetailsSchema.prefault({}),
  }),
  z.strictObject({
    kind: z.literal('vulnerability'),
    ...createCommon,
    details: VulnerabilityDetailsSchema.prefault({}),
  }),
  z.strictObject({
    kind: z.literal('malware'),
    ...createCommon,
    details: MalwareDetailsSchema.prefault({}),
  }),
  z.strictObject({
    kind: z.literal('report'),
    ...createCommon,
    severity: ReportSeverity.nullable().default(null),
    details: ReportDetailsSchema.prefault({}),
  }),
])
export type IntelCreate = z.output<typeof IntelCreateSchema>

/**
 * An update: the fields given replace the entity's. `details` is merged field by field into the entity's
 * details and the result checked against its kind's schema (errors name `patch.details.<field>`).
 * `published` is the reports' publish switch: true stamps `details.publishedAt`, false clears it.
 */
export const IntelPatchSchema = z.strictObject({
  name: Name.optional(),
  aliases: z.array(Name).max(INTEL_ALIASES_MAX).optional(),
  description: z.string().max(INTEL_DESCRIPTION_MAX_CHARS).optional(),
  projectId: Uuid.nullable().optional(),
  tlp: Tlp.optional(),
  severity: EntitySeverity.nullable().optional(),
  confidence: Confidence.nullable().optional(),
  firstSeen: Timestamp.nullable().optional(),
  lastSeen: Timestamp.nullable().optional(),
  techniques: z.array(AttackIdSchema).max(INTEL_TECHNIQUES_MAX).optional(),
  sources: z.array(Source).max(INTEL_SOURCES_MAX).optional(),
  stixId: StixId.nullable().optional(),
  details: boundedJsonObject({ maxBytes: 4 * 1024 * 1024, maxDepth: 8 }).optional(),
  published: z.boolean().optional(),
})
export type IntelPatch = z.infer<typeof IntelPatchSchema>

/**
 * A list item. Reports leave out their Markdown `content` (up to 2 MiB each: a list of them would be
 * heavy) and say how long it is instead; intel.get returns it.
 */
const ReportListDetailsSchema = ReportDetailsSchema.omit({ content: true }).extend({
  contentChars: z.number().int(),
})
export const IntelListItemSchema = z.union([
  IntelEntitySchema.options[0],
  IntelEntitySchema.options[1],
  IntelEntitySchema.options[2],
  IntelEntitySchema.options[3],
  IntelEntitySchema.options[4].extend({ details: ReportListDetailsSchema }),
])
export type IntelListItem = z.infer<typeof IntelListItemSchema>

export const IntelFilterSchema = z.strictObject({
  kind: IntelKindSchema,
  /** Words found in the name or an alias (case- and punctuation-folded like intelNameKey). */
  q: z.string().trim().max(300).optional(),
  projectId: Uuid.optional(),
  /** An ATT&CK technique: entities using it or one of its sub-techniques. */
  technique: AttackIdSchema.optional(),
  tlp: z.array(Tlp).min(1).max(TLP_LEVELS.length).optional(),
  /** Reports only: published or drafts. */
  published: z.boolean().optional(),
})
export type IntelFilter = z.infer<typeof IntelFilterSchema>

/** A node of the graph or a search hit: an entity or an indicator, labelled as plain text. */
export const IntelNodeSchema = z.object({
  ref: z.string(),
  kind: IntelRefKindSchema,
  /** The entity's name or the indicator's value (plain text: never render it as HTML). */
  label: z.string(),
  tlp: Tlp,
  /** Indicators only: their score. */
  score: z.number().nullable().optional(),
  /** Indicators only: their type (ip, domain, cve, …). */
  type: z.string().optional(),
})
export type IntelNode = z.infer<typeof IntelNodeSchema>

export const IntelEdgeSchema = z.object({
  /** A relationship's id; `contains:<report>:<ref>` and `cve:<vulnerability>:<indicator>` for derived edges. */
  id: z.string(),
  source: z.string(),
  target: z.string(),
  type: z.string(),
})
export type IntelEdge = z.infer<typeof IntelEdgeSchema>

export const NeighboursSchema = z.object({
  center: IntelNodeSchema,
  nodes: z.array(IntelNodeSchema),
  edges: z.array(IntelEdgeSchema),
  /** More neighbours exist than `limit` let through. */
  truncated: z.boolean(),
})
export type Neighbours = z.infer<typeof NeighboursSchema>

export const RelationshipCreateSchema = z.strictObject({
  sourceRef: Ref,
  targetRef: Ref,
  relationshipType: RelationshipTypeSchema,
  description: z.string().max(20_000).default(''),
  confidence: Confidence.nullable().default(null),
  firstSeen: Timestamp.nullable().default(null),
  lastSeen: Timestamp.nullable().default(null),
  source: Source.default('analyst'),
})
export type RelationshipCreate = z.output<typeof RelationshipCreateSchema>

/** The kind a caller expects (the REST routes are per kind): an entity of another kind is not_found. */
const ExpectedKind = IntelKindSchema.optional()

export const RelationshipViewSchema = IntelRelationshipSchema.extend({
  /** The two ends as nodes; null for an end whose object is gone. */
  sourceNode: IntelNodeSchema.nullable(),
  targetNode: IntelNodeSchema.nullable(),
})
export type RelationshipView = z.infer<typeof RelationshipViewSchema>

/** How an entity is linked to an indicator. */
export const LINK_VIAS = ['relationship', 'report', 'cve'] as const
export const IndicatorLinkSchema = IntelNodeSchema.extend({
  via: z.enum(LINK_VIAS),
  /** The relationship's type (via relationship), `contains` (report) or `related-to` (cve). */
  relationshipType: z.string(),
  /** Whether the indicator is the relationship's source (indicates) or its target (uses). */
  indicatorIs: z.enum(['source', 'target']).nullable(),
})
export type IndicatorLink = z.infer<typeof IndicatorLinkSchema>

export const ReportObjectViewSchema = IntelNodeSchema.extend({
  position: z.number().int(),
  addedAt: Timestamp,
})
export type ReportObjectView = z.infer<typeof ReportObjectViewSchema>

/** What one attach call may add; a larger query is refused before anything is written. */
export const REPORT_ATTACH_MAX = 1_000_000
export const REPORT_REFS_MAX = 10_000

export const AttachResultSchema = z.object({
  added: z.number().int(),
  alreadyThere: z.number().int(),
})

export const intelContract = {
  'intel.list': method({
    summary:
      'Entities of one kind, most recently updated first, with the total matching; reports without their content',
    input: IntelFilterSchema.extend({
      limit: PageLimit,
      cursor: z.string().max(1000).optional(),
    }),
    output: z.object({
      items: z.array(IntelListItemSchema),
      nextCursor: z.string().nullable(),
      total: z.number().int(),
    }),
  }),
  'intel.get': method({
    summary: 'One threat actor, campaign, vulnerability, malware family or threat report',
    input: z.strictObject({ id: Uuid, kind: ExpectedKind }),
    output: IntelEntitySchema,
  }),
  'intel.create': method({
    summary:
      'Create an entity; a name or alias that already names another entity of its kind is refused',
    input: IntelCreateSchema,
    output: IntelEntitySchema,
    mutates: true,
  }),
  'intel.update': method({
    summary: 'Change an entity; `published: true` publishes a report and stamps its date',
    input: z.strictObject({ id: Uuid, kind: ExpectedKind, patch: IntelPatchSchema }),
    output: IntelEntitySchema,
    mutates: true,
  }),
  'intel.delete': method({
    summary: 'Delete an entity with its relationships and its place in reports',
    input: z.strictObject({ id: Uuid, kind: ExpectedKind }),
    output: Ok,
    mutates: true,
  }),
  'intel.createRelationship': method({
    summary: 'Link two objects (entities or indicators); saying the same edge again merges into it',
    input: RelationshipCreateSchema,
    output: z.object({ relationship: IntelRelationshipSchema, created: z.boolean() }),
    mutates: true,
  }),
  'intel.neighbours': method({
    summary:
      'One hop around an entity or indicator: relationships, report membership, a CVE and its vulnerability',
    input: z.strictObject({
      ref: Ref,
      kinds: z.array(IntelRefKindSchema).min(1).optional(),
      relationshipTypes: z.array(RelationshipTypeSchema).min(1).max(50).optional(),
      limit: z.number().int().min(1).max(2000).default(200),
    }),
    output: NeighboursSchema,
  }),
  'intel.searchObjects': method({
    summary:
      'Entities by name or alias and indicators by value, to attach or to start a graph from',
    input: z.strictObject({
      q: z.string().trim().min(1).max(300),
      kinds: z.array(IntelRefKindSchema).min(1).optional(),
      limit: z.number().int().min(1).max(200).default(20),
    }),
    output: z.object({ items: z.array(IntelNodeSchema) }),
  }),
  'intel.listRelationships': method({
    summary: 'The relationships of an entity or indicator, both directions, with both ends',
    input: z.strictObject({
      ref: Ref,
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    output: z.object({ items: z.array(RelationshipViewSchema), truncated: z.boolean() }),
  }),
  'intel.deleteRelationship': method({
    summary: 'Delete a relationship',
    input: z.strictObject({ id: Uuid }),
    output: Ok,
    mutates: true,
  }),
  'intel.forIndicator': method({
    summary:
      'The entities linked to an indicator: relationships, the reports containing it, the vulnerability of a CVE',
    input: z.strictObject({
      indicatorId: Uuid,
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    output: z.object({ items: z.array(IndicatorLinkSchema), truncated: z.boolean() }),
  }),
  'intel.linkedIndicators': method({
    summary:
      "An entity's indicators: related either way, a report's contents, a vulnerability's CVE indicators",
    input: z.strictObject({
      id: Uuid,
      limit: PageLimit,
      cursor: z.string().max(1000).optional(),
    }),
    output: pageOf(IndicatorSchema),
  }),
  'intel.reportObjects': method({
    summary: 'What a threat report contains, by kind then in the order attached, with the total',
    input: z.strictObject({
      reportId: Uuid,
      kind: IntelRefKindSchema.optional(),
      limit: PageLimit,
      cursor: z.string().max(1000).optional(),
    }),
    output: z.object({
      items: z.array(ReportObjectViewSchema),
      nextCursor: z.string().nullable(),
      total: z.number().int(),
    }),
  }),
  'intel.attachToReport': method({
    summary:
      'Add indicators (by id or everything a filter matches) and entities to a threat report',
    input: z
      .strictObject({
        reportId: Uuid,
        indicatorIds: z.array(Uuid).min(1).max(REPORT_REFS_MAX).optional(),
        /** Every indicator this query matches, added in batches. */
        filter: IndicatorFilterSchema.optional(),
        entityIds: z.array(Uuid).min(1).max(REPORT_REFS_MAX).optional(),
      })
      .refine(
        (v) => v.indicatorIds !== undefined || v.filter !== undefined || v.entityIds !== undefined,
        { message: 'give indicatorIds, filter or entityIds', path: ['indicatorIds'] },
      ),
    output: AttachResultSchema,
    mutates: true,
  }),
  'intel.detachFromReport': method({
    summary: 'Take objects (indicators or entities) off a threat report',
    input: z.strictObject({
      reportId: Uuid,
      refs: z.array(Ref).min(1).max(REPORT_REFS_MAX),
    }),
    output: z.object({ removed: z.number().int() }),
    mutates: true,
  }),
} as const

export const intelEvents = {
  'intel.onDidChange': z.object({
    change: z.enum(['created', 'updated', 'deleted', 'relationships', 'report-objects']),
    /** The entity (or report) concerned; null for changes that touch many. */
    id: Uuid.nullable(),
    kind: z.enum(INTEL_KINDS).nullable(),
  }),
} as const
