import { z } from 'zod'
import { PageLimit, Timestamp, Uuid, boundedJsonObject } from './common.schemas'
import { method } from './define'

export const INCIDENT_STATUSES = ['open', 'escalated', 'resolved'] as const
export const IncidentStatusSchema = z.enum(INCIDENT_STATUSES)
export type IncidentStatus = z.infer<typeof IncidentStatusSchema>

/** Incidents at or above this severity count as high in the health figures (the seed's tracking block). */
export const HIGH_SEVERITY_MIN = 70

/** Bounds of an incident's free-form details JSON (stored with the row, sent with every read). */
export const INCIDENT_DETAILS_MAX_BYTES = 64 * 1024
export const INCIDENT_DETAILS_MAX_DEPTH = 16
export const INCIDENT_TAGS_MAX = 256
export const INCIDENT_SOURCES_MAX = 64
/** A snapshot file to import, as text: bounded so a wrong file cannot exhaust memory. */
export const SNAPSHOT_MAX_CHARS = 32 * 1024 * 1024

const Severity = z.number().int().min(0).max(100)
const Tag = z.string().trim().min(1).max(128)
const Source = z.string().trim().min(1).max(200)
const Details = boundedJsonObject({
  maxBytes: INCIDENT_DETAILS_MAX_BYTES,
  maxDepth: INCIDENT_DETAILS_MAX_DEPTH,
})

export const IncidentSchema = z.object({
  id: Uuid,
  url: z.string().nullable(),
  indicatorId: Uuid.nullable(),
  /** `url:<canonical URL>`, `url-sha256:<hex>` (long URLs) or `indicator:<id>`. */
  dedupKey: z.string(),
  /** Everything that reported or detected it (analysis terms, feeds, `manual`, an alert rule). */
  sources: z.array(z.string()),
  severity: Severity,
  summary: z.string(),
  details: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  status: IncidentStatusSchema,
  firstSeen: Timestamp,
  lastSeen: Timestamp,
  /** How often it was reported: analysing or importing it again counts one more. */
  occurrences: z.number().int().min(1),
  assignee: z.string().nullable(),
  projectId: Uuid.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Incident = z.infer<typeof IncidentSchema>

export const IncidentFilterSchema = z.strictObject({
  status: z.array(IncidentStatusSchema).min(1).max(INCIDENT_STATUSES.length).optional(),
  minSeverity: Severity.optional(),
  /** One tag, matched exactly. */
  tag: Tag.optional(),
  /** Words found in the URL, summary or tags (case-insensitive substring). */
  q: z.string().trim().max(500).optional(),
  projectId: Uuid.optional(),
})
export type IncidentFilter = z.infer<typeof IncidentFilterSchema>

export const IncidentCreateSchema = z
  .strictObject({
    url: z.string().trim().min(1).max(8192).optional(),
    indicatorId: Uuid.optional(),
    sources: z.array(Source).max(INCIDENT_SOURCES_MAX).default(['manual']),
    severity: Severity.default(50),
    summary: z.string().max(20_000).default(''),
    details: Details.default({}),
    tags: z.array(Tag).max(INCIDENT_TAGS_MAX).default([]),
    status: IncidentStatusSchema.default('open'),
    assignee: z.string().trim().min(1).max(200).nullable().default(null),
    projectId: Uuid.nullable().default(null),
  })
  .superRefine((v, ctx) => {
    if (v.url === undefined && v.indicatorId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'required (or an indicator id)' })
    }
  })
export type IncidentCreate = z.output<typeof IncidentCreateSchema>

/**
 * An update. Tags and sources are added to the incident's (a list sent by a client that had not seen the
 * latest merge must not drop what arrived meanwhile); `removeTags` takes tags off explicitly.
 */
export const IncidentPatchSchema = z.strictObject({
  status: IncidentStatusSchema.optional(),
  severity: Severity.optional(),
  tags: z.array(Tag).max(INCIDENT_TAGS_MAX).optional(),
  removeTags: z.array(Tag).max(INCIDENT_TAGS_MAX).optional(),
  sources: z.array(Source).max(INCIDENT_SOURCES_MAX).optional(),
  summary: z.string().max(20_000).optional(),
  assignee: z.string().trim().min(1).max(200).nullable().optional(),
})
export type IncidentPatch = z.infer<typeof IncidentPatchSchema>

export const IncidentStatsSchema = z.object({
  total: z.number().int(),
  open: z.number().int(),
  escalated: z.number().int(),
  resolved: z.number().int(),
  /** Severity >= HIGH_SEVERITY_MIN, whatever the status (the seed's count). */
  highSeverity: z.number().int(),
})
export type IncidentStats = z.infer<typeof IncidentStatsSchema>

export const SnapshotImportReportSchema = z.object({
  created: z.number().int(),
  merged: z.number().int(),
  /** Entries refused, by position in `data.tracked_threats` (0-based), each naming its field. */
  rejects: z.array(z.object({ index: z.number().int(), field: z.string(), message: z.string() })),
})
export type SnapshotImportReport = z.infer<typeof SnapshotImportReportSchema>

export const incidentsContract = {
  'incidents.list': method({
    summary: 'Incidents by severity, then most recently seen; with the total matching the filter',
    input: z.strictObject({
      filter: IncidentFilterSchema.default({}),
      limit: PageLimit,
      cursor: z.string().max(1000).optional(),
    }),
    output: z.object({
      items: z.array(IncidentSchema),
      nextCursor: z.string().nullable(),
      total: z.number().int(),
    }),
  }),
  'incidents.get': method({
    summary: 'Get one incident',
    input: z.strictObject({ id: Uuid }),
    output: IncidentSchema,
  }),
  'incidents.create': method({
    summary:
      'Track a URL or an indicator; if it is already tracked, count one more occurrence and merge tags and sources',
    input: IncidentCreateSchema,
    output: z.object({ incident: IncidentSchema, created: z.boolean() }),
    mutates: true,
  }),
  'incidents.update': method({
    summary:
      'Change status, severity, summary or assignee; tags and sources are added, never dropped',
    input: z.strictObject({ id: Uuid, patch: IncidentPatchSchema }),
    output: IncidentSchema,
    mutates: true,
  }),
  'incidents.stats': method({
    summary: 'How many incidents there are, by status, and how many are high severity',
    input: z.strictObject({}),
    output: IncidentStatsSchema,
  }),
  'incidents.exportSnapshot': method({
    summary: 'The tracked threats as snapshot JSON (data.tracked_threats), for offline hand-over',
    input: z.strictObject({}),
    output: z.object({ fileName: z.string(), content: z.string(), count: z.number().int() }),
  }),
  'incidents.importSnapshot': method({
    summary: 'Merge a snapshot JSON into the incidents by URL',
    input: z.strictObject({ content: z.string().min(1).max(SNAPSHOT_MAX_CHARS) }),
    output: SnapshotImportReportSchema,
    mutates: true,
  }),
} as const

export const incidentsEvents = {
  'incidents.onDidChange': z.object({
    kind: z.enum(['created', 'updated', 'bulk']),
    id: Uuid.nullable(),
  }),
} as const
