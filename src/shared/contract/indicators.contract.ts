import { z } from 'zod'
import {
  CLASSIFICATIONS,
  EXTRACT_KINDS,
  IOC_TYPES,
  RISK_LEVELS,
  SEVERITIES,
  TLP_LEVELS,
} from '../domain/enums'
import { Ok, PageLimit, Timestamp, Uuid, boundedJsonObject, pageOf } from './common.schemas'
import { method } from './define'

export const IocTypeSchema = z.enum(IOC_TYPES)
export const ClassificationSchema = z.enum(CLASSIFICATIONS)
export const SeveritySchema = z.enum(SEVERITIES)
export const RiskLevelSchema = z.enum(RISK_LEVELS)
export const TlpSchema = z.enum(TLP_LEVELS)

const Score = z.number().int().min(0).max(100)
const Tag = z.string().trim().min(1).max(128)
const Tags = z.array(Tag).max(256)
const MitreId = z.string().trim().min(1).max(64)

export const IndicatorSchema = z.object({
  id: Uuid,
  type: IocTypeSchema,
  value: z.string(),
  classification: ClassificationSchema,
  confidence: Score,
  severity: SeveritySchema,
  score: Score,
  riskLevel: RiskLevelSchema,
  tlp: TlpSchema,
  firstSeen: Timestamp.nullable(),
  lastSeen: Timestamp.nullable(),
  description: z.string(),
  tags: z.array(z.string()),
  mitreTactics: z.array(z.string()),
  mitreTechniques: z.array(z.string()),
  active: z.boolean(),
  falsePositive: z.boolean(),
  enrichment: z.record(z.string(), z.unknown()).nullable(),
  projectId: Uuid.nullable(),
  /** Distinct sources (feeds, imports) that reported it. */
  sourceCount: z.number().int().min(0),
  /** How often they did: a source's re-observation counts when it reported something new. */
  sightingCount: z.number().int().min(0),
  /** Its decayed score reached the revoke threshold: kept and marked, never deleted (issue 10). */
  expired: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Indicator = z.infer<typeof IndicatorSchema>

/** Bounds of an indicator's free-form enrichment JSON (stored with the row, sent with every read). */
export const INDICATOR_ENRICHMENT_MAX_BYTES = 64 * 1024
export const INDICATOR_ENRICHMENT_MAX_DEPTH = 16

/** The analyst-editable fields, shared by create, update and the bulk defaults. */
const EditableFields = {
  classification: ClassificationSchema,
  confidence: Score,
  severity: SeveritySchema,
  score: Score,
  tlp: TlpSchema,
  firstSeen: Timestamp.nullable(),
  lastSeen: Timestamp.nullable(),
  description: z.string().max(20_000),
  tags: Tags,
  mitreTactics: z.array(MitreId).max(64),
  mitreTechniques: z.array(MitreId).max(256),
  active: z.boolean(),
  falsePositive: z.boolean(),
  enrichment: boundedJsonObject({
    maxBytes: INDICATOR_ENRICHMENT_MAX_BYTES,
    maxDepth: INDICATOR_ENRICHMENT_MAX_DEPTH,
  }).nullable(),
  projectId: Uuid.nullable(),
}

export const IndicatorCreateSchema = z.strictObject({
  /** Omit to detect the type from the value. */
  type: IocTypeSchema.optional(),
  value: z.string().min(1).max(8192),
  ...z.object(EditableFields).partial().shape,
})
export type IndicatorCreate = z.infer<typeof IndicatorCreateSchema>

export const IndicatorPatchSchema = z.strictObject(z.object(EditableFields).partial().shape)
export type IndicatorPatch = z.infer<typeof IndicatorPatchSchema>

export const INDICATOR_SORT_FIELDS = [
  'lastSeen',
  'firstSeen',
  'score',
  'severity',
  'confidence',
  'value',
  'type',
  'createdAt',
  'updatedAt',
  'sources',
  'sightings',
] as const
export const IndicatorSortSchema = z.strictObject({
  field: z.enum(INDICATOR_SORT_FIELDS).default('updatedAt'),
  dir: z.enum(['asc', 'desc']).default('desc'),
})
export type IndicatorSort = z.infer<typeof IndicatorSortSchema>

export const IndicatorFilterSchema = z.strictObject({
  types: z.array(IocTypeSchema).max(IOC_TYPES.length).optional(),
  classifications: z.array(ClassificationSchema).optional(),
  severities: z.array(SeveritySchema).optional(),
  scoreMin: Score.optional(),
  scoreMax: Score.optional(),
  /** At least this many distinct sources reported it. */
  sourcesMin: z.number().int().min(0).max(1_000_000).optional(),
  tag: Tag.optional(),
  projectId: Uuid.nullable().optional(),
  active: z.boolean().optional(),
  falsePositive: z.boolean().optional(),
  firstSeenFrom: Timestamp.optional(),
  firstSeenTo: Timestamp.optional(),
  lastSeenFrom: Timestamp.optional(),
  lastSeenTo: Timestamp.optional(),
  /** Full-text / substring search over value, description and tags. */
  q: z.string().trim().max(512).optional(),
  /** Only these indicators (e.g. "is the one on screen still in this result?"). */
  ids: z.array(Uuid).max(1000).optional(),
})
export type IndicatorFilter = z.infer<typeof IndicatorFilterSchema>

export const IndicatorPageSchema = pageOf(IndicatorSchema)
export type IndicatorPage = z.infer<typeof IndicatorPageSchema>

/** How far the search index has got: rows it covers (a floor) of the rows in the table. */
export const IndexProgressSchema = z.object({
  indexed: z.number().int().min(0),
  total: z.number().int().min(0),
})

/**
 * What a text search (`q`, `tag`) could see. The index is built on another thread and may trail the table
 * (a rebuild, a big import being indexed): then `partial` is true, a row that exists may be missing from
 * the answer, and `indexProgress` says how far the index has got. Complete: `partial` false, progress null.
 */
export const SearchCoverageSchema = z.object({
  partial: z.boolean(),
  indexProgress: IndexProgressSchema.nullable(),
})
export type SearchCoverage = z.infer<typeof SearchCoverageSchema>

/** A page of a text search, with what the index could see. */
export const IndicatorSearchPageSchema = IndicatorPageSchema.extend(SearchCoverageSchema.shape)

/** A page or count of a filter: the coverage fields are there when the filter searched text. */
const optionalCoverage = SearchCoverageSchema.partial().shape

export const BulkRejectSchema = z.object({
  /** 1-based line of the pasted text, or 1-based position in `items`. */
  line: z.number().int().min(1),
  value: z.string(),
  reason: z.string(),
})
export type BulkReject = z.infer<typeof BulkRejectSchema>

/** Maximum rejects listed in a report; `rejected` still counts them all. */
export const MAX_LISTED_REJECTS = 1000

/** Text indicators.extract reads in one call: the scan is synchronous, so it is bounded to well under a second. */
export const MAX_EXTRACT_TEXT_CHARS = 8 * 1024 * 1024
export const MAX_EXTRACT_ITEMS = 100_000
/** A file indicators.extract reads (its bytes travel base64-encoded, a third larger). */
export const MAX_EXTRACT_FILE_BYTES = 16 * 1024 * 1024

/** What indicators.extract read: given text, or a file's text by its kind. */
export const EXTRACT_FORMATS = ['text', 'html', 'eml', 'pdf'] as const
export type ExtractFormat = (typeof EXTRACT_FORMATS)[number]

/** A file for indicators.extract: its name (to tell its kind and to name it in errors) and its bytes. */
export const ExtractFileSchema = z.strictObject({
  name: z.string().min(1).max(255),
  /** The file's bytes, base64. */
  data: z
    .string()
    .max(Math.ceil(MAX_EXTRACT_FILE_BYTES / 3) * 4, {
      message: `the file is larger than ${MAX_EXTRACT_FILE_BYTES / 1024 / 1024} MB`,
    })
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64'),
})

export const ExtractedItemSchema = z.object({
  kind: z.enum(EXTRACT_KINDS),
  /** Canonical: the spelling the indicator store uses (domains and URL hosts in Punycode). */
  value: z.string(),
  /** The indicator type it is stored as; null for a kind that is not an indicator (ATT&CK tactics). */
  iocType: z.enum(IOC_TYPES).nullable(),
  /** 1-based line and column (UTF-16 units of the original line) of the first occurrence. */
  line: z.number().int(),
  column: z.number().int(),
  /** As written there, defanged spelling included. */
  raw: z.string(),
  count: z.number().int(),
})
export type ExtractedItemDto = z.infer<typeof ExtractedItemSchema>

export const BulkReportSchema = z.object({
  total: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  /** Rows stored as false positive because an analyst allowlisted their value. */
  allowlisted: z.number().int(),
  rejects: z.array(BulkRejectSchema),
  byType: z.record(z.string(), z.number().int()),
})
export type BulkReport = z.infer<typeof BulkReportSchema>

export const BulkDefaultsSchema = z.strictObject(
  z.object(EditableFields).omit({ enrichment: true, firstSeen: true, lastSeen: true }).partial()
    .shape,
)

/** A MISP galaxy cluster an event (or one of its attributes) carried: threat actor, malware, tool... */
export const GalaxyClusterRefSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  /** The galaxy type, e.g. threat-actor, malpedia, mitre-attack-pattern. */
  galaxy: z.string().nullable(),
})

/** A MISP event that reported the indicator. */
export const ReportingEventSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  /** From the event's threat level (1 high, 2 medium, 3 low; 4 "undefined" is null). */
  threatLevel: SeveritySchema.nullable(),
  org: z.string().nullable(),
  date: z.string().nullable(),
  /** The source that delivered it: a feed's id or `import:<label>`. */
  sourceKey: z.string(),
  galaxies: z.array(GalaxyClusterRefSchema),
})

/** A STIX object linked to the indicator: by a relationship, a sighting, or a report listing it. */
export const LinkedIntelSchema = z.object({
  id: z.string(),
  /** STIX type: threat-actor, intrusion-set, malware, campaign, attack-pattern, report, tool... */
  type: z.string(),
  name: z.string().nullable(),
  /** How it is linked: the relationship type (indicates, uses...) or 'report' (listed in object_refs). */
  relationship: z.string(),
  sourceKey: z.string(),
})

export const ReportedInSchema = z.object({
  events: z.array(ReportingEventSchema),
  linked: z.array(LinkedIntelSchema),
})
export type ReportedIn = z.infer<typeof ReportedInSchema>

export const indicatorsContract = {
  'indicators.list': method({
    summary: 'List indicators with filters, sort and keyset pagination',
    input: z.strictObject({
      filter: IndicatorFilterSchema.default({}),
      sort: IndicatorSortSchema.default({ field: 'updatedAt', dir: 'desc' }),
      limit: PageLimit,
      cursor: z.string().max(1024).optional(),
    }),
    output: IndicatorPageSchema.extend(optionalCoverage),
  }),
  'indicators.listAt': method({
    summary:
      'The page of indicators starting at a 0-based position of the same filter and sort as indicators.list; its nextCursor continues with indicators.list',
    input: z.strictObject({
      filter: IndicatorFilterSchema.default({}),
      sort: IndicatorSortSchema.default({ field: 'updatedAt', dir: 'desc' }),
      offset: z.number().int().min(0).max(1_000_000_000),
      limit: PageLimit,
    }),
    output: IndicatorPageSchema.extend(optionalCoverage),
  }),
  'indicators.count': method({
    summary: 'Count indicators matching a filter',
    input: z.strictObject({ filter: IndicatorFilterSchema.default({}) }),
    output: z.object({ total: z.number().int() }).extend(optionalCoverage),
  }),
  'indicators.search': method({
    summary: 'Full-text and substring search over value, description and tags',
    input: z.strictObject({
      q: z.string().trim().min(1).max(512),
      limit: PageLimit,
      cursor: z.string().max(1024).optional(),
    }),
    output: IndicatorSearchPageSchema,
  }),
  'indicators.get': method({
    summary: 'Get one indicator by id',
    input: z.strictObject({ id: Uuid }),
    output: IndicatorSchema,
  }),
  'indicators.reportedIn': method({
    summary:
      'The MISP events and STIX objects (threat actors, intrusion sets, malware, campaigns, attack patterns, reports) that reported or are linked to an indicator',
    input: z.strictObject({ id: Uuid }),
    output: ReportedInSchema,
  }),
  'indicators.lookup': method({
    summary: 'Find an indicator by type and value (the value is canonicalised first)',
    input: z.strictObject({ type: IocTypeSchema.optional(), value: z.string().min(1).max(8192) }),
    output: IndicatorSchema.nullable(),
  }),
  'indicators.create': method({
    summary: 'Create one indicator; 409 if the same type and value exist',
    input: IndicatorCreateSchema,
    output: IndicatorSchema,
    mutates: true,
  }),
  'indicators.update': method({
    summary: 'Update the editable fields of an indicator',
    input: z.strictObject({ id: Uuid, patch: IndicatorPatchSchema }),
    output: IndicatorSchema,
    mutates: true,
  }),
  'indicators.delete': method({
    summary: 'Delete an indicator',
    input: z.strictObject({ id: Uuid }),
    output: Ok,
    mutates: true,
  }),
  'indicators.extract': method({
    summary:
      'Find the indicators in any text or file (a report, an e-mail, .txt/.md/.html/.eml/.pdf): refanged, typed, canonical, each with the line it came from; nothing is stored',
    input: z
      .strictObject({
        text: z.string().max(MAX_EXTRACT_TEXT_CHARS).optional(),
        /** A file instead of text: HTML, e-mail and PDF are read as what they show (see EXTRACT_FORMATS). */
        file: ExtractFileSchema.optional(),
        /** Keep only these kinds. */
        kinds: z.array(z.enum(EXTRACT_KINDS)).max(EXTRACT_KINDS.length).optional(),
        /** Also report a URL's host as a domain or IP item. */
        urlHosts: z.boolean().default(true),
        maxItems: z.number().int().min(1).max(MAX_EXTRACT_ITEMS).default(MAX_EXTRACT_ITEMS),
      })
      .refine((i) => (i.text === undefined) !== (i.file === undefined), {
        message: 'Give exactly one of text or file',
        path: ['text'],
      }),
    output: z.object({
      items: z.array(ExtractedItemSchema),
      /** True when maxItems distinct items were found, or the file's text was cut: the rest was not read. */
      truncated: z.boolean(),
      /** What was read: the text given, or the file's kind. Lines are lines of that text (for HTML, of the file). */
      format: z.enum(EXTRACT_FORMATS),
      /** Set when part of a file was not read (a PDF's pages past the cap). */
      note: z.string().optional(),
    }),
  }),
  'indicators.bulkCreate': method({
    summary:
      'Create or update many indicators from pasted text or a list; idempotent on type+value; returns a report',
    input: z
      .strictObject({
        text: z.string().optional(),
        items: z.array(IndicatorCreateSchema).optional(),
        defaults: BulkDefaultsSchema.default({}),
      })
      .refine((v) => v.text !== undefined || v.items !== undefined, {
        message: 'Give either text or items',
        path: ['text'],
      }),
    output: BulkReportSchema,
    mutates: true,
  }),
  'indicators.markFalsePositive': method({
    summary: 'Mark an indicator as a false positive (and inactive), or clear the mark',
    input: z.strictObject({
      id: Uuid,
      falsePositive: z.boolean().default(true),
      reason: z.string().max(2000).optional(),
    }),
    output: IndicatorSchema,
    mutates: true,
  }),
  'indicators.activate': method({
    summary: 'Reactivate an indicator (clears the false-positive mark)',
    input: z.strictObject({ id: Uuid }),
    output: IndicatorSchema,
    mutates: true,
  }),
  'indicators.recent': method({
    summary: 'Indicators seen or changed in the last N days, newest first',
    input: z.strictObject({
      days: z.number().int().min(1).max(3650).default(7),
      limit: PageLimit,
      cursor: z.string().max(1024).optional(),
    }),
    output: IndicatorPageSchema,
  }),
  'indicators.counts': method({
    summary: 'Counts by type and severity',
    input: z.strictObject({ projectId: Uuid.optional() }),
    output: z.object({
      total: z.number().int(),
      byType: z.record(z.string(), z.number().int()),
      bySeverity: z.record(z.string(), z.number().int()),
    }),
  }),
} as const

export const indicatorsEvents = {
  /** Something changed; views refresh. `ids` is omitted for bulk changes. */
  'indicators.onDidChange': z.object({
    kind: z.enum(['created', 'updated', 'deleted', 'bulk']),
    ids: z.array(Uuid).optional(),
  }),
} as const
