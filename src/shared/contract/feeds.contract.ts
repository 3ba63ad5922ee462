import { CronPattern } from 'croner'
import { z } from 'zod'
import { ClassificationSchema, SeveritySchema, TlpSchema } from './indicators.contract'
import { Ok, PageLimit, Timestamp, Uuid, pageOf } from './common.schemas'
import { method } from './define'
import { FileHandleSchema } from './files.contract'

export const FEED_FORMAT_NAMES = [
  'urlhaus-csv',
  'threatfox-csv',
  'threatfox-json',
  'feodo-csv',
  'feodo-json',
  'openphish-txt',
  'phishtank-csv',
  'phishtank-json',
  'spamhaus-drop',
  'generic-csv',
  'text',
  'misp-event',
  'misp-feed',
  'stix-bundle',
  'taxii',
] as const
export const FeedFormatSchema = z.enum(FEED_FORMAT_NAMES)
export type FeedFormat = (typeof FEED_FORMAT_NAMES)[number]

/**
 * The fields a CSV column can be mapped onto (generic-csv). `value` is the indicator itself; the others are
 * what the row says about it and reach the indicator and its observation as the feed formats' do.
 */
export const CSV_MAPPED_FIELDS = [
  'value',
  'type',
  'tags',
  'description',
  'confidence',
  'severity',
  'classification',
  'firstSeen',
  'lastSeen',
  'tlp',
  'threatType',
  'malware',
  'reference',
] as const
export type CsvMappedField = (typeof CSV_MAPPED_FIELDS)[number]

/** A column: a header name (needs a header) or a 0-based index. */
export const CsvColumnSchema = z.union([
  z.string().trim().min(1).max(256),
  z.number().int().min(0).max(10_000),
])

/**
 * The column mapping of a generic CSV (feed options, and the `mapping` of an import). Without
 * `valueColumn` the header is read and its columns recognised by name (`value`/`indicator`/`ioc`, `type`,
 * `tags`, `first_seen`, ...); columns given here win over recognised ones. `hasHeader` defaults to true
 * unless `valueColumn` is an index.
 */
export const CsvMappingSchema = z.strictObject({
  delimiter: z.string().length(1).optional(),
  hasHeader: z.boolean().optional(),
  commentPrefix: z.string().min(1).max(8).optional(),
  valueColumn: CsvColumnSchema.optional(),
  typeColumn: CsvColumnSchema.optional(),
  tagsColumn: CsvColumnSchema.optional(),
  descriptionColumn: CsvColumnSchema.optional(),
  confidenceColumn: CsvColumnSchema.optional(),
  severityColumn: CsvColumnSchema.optional(),
  classificationColumn: CsvColumnSchema.optional(),
  firstSeenColumn: CsvColumnSchema.optional(),
  lastSeenColumn: CsvColumnSchema.optional(),
  tlpColumn: CsvColumnSchema.optional(),
  threatTypeColumn: CsvColumnSchema.optional(),
  malwareColumn: CsvColumnSchema.optional(),
  referenceColumn: CsvColumnSchema.optional(),
})
export type CsvMapping = z.infer<typeof CsvMappingSchema>

/** The mapping key of a field: `value` -> `valueColumn`. */
export const mappingKey = (f: CsvMappedField): `${CsvMappedField}Column` => `${f}Column`

/** What feeds.detectFormat shows of a CSV so the analyst can map its columns. */
export const CsvPreviewSchema = z.object({
  delimiter: z.string(),
  /** The header's names as written; empty when the first row is data. */
  columns: z.array(z.string()),
  /** The first data rows, as fields. */
  rows: z.array(z.array(z.string())),
  /** The mapping recognised from the header's names, or null: the analyst has to map the columns. */
  mapping: CsvMappingSchema.nullable(),
})
export type CsvPreview = z.infer<typeof CsvPreviewSchema>

/** Admiralty source reliability: A completely reliable ... E unreliable, F cannot be judged. */
export const RELIABILITIES = ['A', 'B', 'C', 'D', 'E', 'F'] as const
export const ReliabilitySchema = z.enum(RELIABILITIES)

export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'unchanged',
  'failed',
  'cancelled',
] as const
export const RunStatusSchema = z.enum(RUN_STATUSES)
export const RUN_TRIGGERS = ['manual', 'schedule', 'cli', 'import'] as const
export const RunTriggerSchema = z.enum(RUN_TRIGGERS)
export const RUN_PHASES = ['connecting', 'reading', 'staging', 'committing', 'finishing'] as const

/** Largest drag-and-drop import carried inside one call (the browser build has no file path to give). */
export const MAX_IMPORT_TEXT_CHARS = 32 * 1024 * 1024
/** How much of a dropped file the renderer sends to feeds.detectFormat. */
export const DETECT_HEAD_CHARS = 64 * 1024

const cronError = (expr: string): string | null => {
  try {
    new CronPattern(expr)
    return null
  } catch (e) {
    return e instanceof Error ? e.message.replace(/^CronPattern: /, '') : String(e)
  }
}

/** A 5- or 6-part cron expression; the message names the expression and what croner disliked. */
export const CronSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .superRefine((expr, ctx) => {
    const err = cronError(expr)
    if (err) ctx.addIssue({ code: 'custom', message: `Invalid cron expression '${expr}': ${err}` })
  })

/** Where an auth of kind 'url' puts its key (so the key itself is never part of the stored URL). */
export const AUTH_KEY_PLACEHOLDER = '{authKey}'

/** A host name, or an IPv6 literal in brackets (`http://[::1]:8080/`, an intranet TAXII server's address). */
const URL_HOST = new RegExp(`(?:${z.regexes.hostname.source})|^\\[[0-9a-f:.]+\\]$`, 'i')

const HttpUrl = z
  .url({ protocol: /^https?$/, hostname: URL_HOST })
  .max(4096)
  .refine((u) => !/^[a-z]+:\/\/[^/?#]*@/i.test(u), {
    message: 'URL must not contain credentials: give them as the feed auth (kept as a secret)',
  })

const FeedName = z.string().trim().min(1).max(200)
const FeedTags = z.array(z.string().trim().min(1).max(128)).max(64)
/** `scheme://host[:port]` and nothing else: where a TAXII feed's credentials may also go. */
const isOrigin = (value: unknown): boolean => {
  if (typeof value !== 'string') return false
  try {
    const u = new URL(value)
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      value.replace(/\/$/, '').toLowerCase() === u.origin.toLowerCase()
    )
  } catch {
    return false
  }
}

const FeedOptions = z
  .record(z.string(), z.unknown())
  .refine((o) => JSON.stringify(o).length <= 64 * 1024, {
    message: 'options must be at most 64 KB of JSON',
  })
  .superRefine((o, ctx) => {
    const origins = o.credentialOrigins
    if (origins === undefined) return
    if (!Array.isArray(origins) || origins.length > 32) {
      ctx.addIssue({
        code: 'custom',
        path: ['credentialOrigins'],
        message: 'credentialOrigins must be a list of at most 32 origins',
      })
      return
    }
    origins.forEach((origin: unknown, i) => {
      if (!isOrigin(origin))
        ctx.addIssue({
          code: 'custom',
          path: ['credentialOrigins', i],
          message:
            'not an origin: give scheme, host and port only, like https://taxii.example.com:8443',
        })
    })
  })

export const AUTH_KINDS = ['none', 'header', 'basic', 'url'] as const

/** Auth as given on create/update. Stored in the secret store; never returned. */
export const FeedAuthInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('header'),
    name: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'Not an HTTP header name'),
    value: z.string().min(1).max(4096),
  }),
  z.strictObject({
    kind: z.literal('basic'),
    username: z.string().min(1).max(256),
    password: z.string().max(4096),
  }),
  /** A key that goes into the URL path (PhishTank): the URL holds `{authKey}`, replaced at download time. */
  z.strictObject({ kind: z.literal('url'), value: z.string().min(1).max(512) }),
])
export type FeedAuthInput = z.infer<typeof FeedAuthInputSchema>

export const FeedRunSchema = z.object({
  id: Uuid,
  feedId: Uuid.nullable(),
  source: z.string(),
  format: z.string(),
  trigger: RunTriggerSchema,
  status: RunStatusSchema,
  startedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  bytes: z.number().int(),
  /** Records read (accepted + rejected); rows = created + updated + unchanged + duplicates + rejected. */
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  /** A second record for the same indicator in the same run. */
  duplicates: z.number().int(),
  rejected: z.number().int(),
  /** Records stored as false positive because an analyst allowlisted their value. */
  allowlisted: z.number().int(),
  /** Intel objects kept (STIX SDOs/SROs, MISP events). */
  objects: z.number().int(),
  /** Indicator type -> created + updated + unchanged of that type. */
  byType: z.record(z.string(), z.number().int()),
  error: z.string().nullable(),
  durationMs: z.number().int().nullable(),
})
export type FeedRun = z.infer<typeof FeedRunSchema>

export const FeedRunRejectSchema = z.object({
  line: z.number().int(),
  value: z.string(),
  reason: z.string(),
})
/** Notes listed per run: records kept but changed (a cut text), not rejects. */
export const MAX_LISTED_NOTES = 100
export const FeedRunNoteSchema = z.object({ line: z.number().int(), message: z.string() })
export const FeedRunDetailSchema = FeedRunSchema.extend({
  rejects: z.array(FeedRunRejectSchema),
  /** At most MAX_LISTED_NOTES: records the run kept but changed, such as a STIX object's cut text. */
  notes: z.array(FeedRunNoteSchema),
})
export type FeedRunDetail = z.infer<typeof FeedRunDetailSchema>

export const FeedSchema = z.object({
  id: Uuid,
  name: z.string(),
  format: FeedFormatSchema,
  url: z.string().nullable(),
  path: z.string().nullable(),
  schedule: z.string().nullable(),
  enabled: z.boolean(),
  /** The secret is never returned, only whether there is one. */
  hasAuth: z.boolean(),
  authKind: z.enum(AUTH_KINDS),
  defaultTlp: TlpSchema,
  reliability: ReliabilitySchema,
  tags: z.array(z.string()),
  options: z.record(z.string(), z.unknown()),
  catalogueKey: z.string().nullable(),
  running: z.boolean(),
  nextRunAt: Timestamp.nullable(),
  lastRun: FeedRunSchema.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Feed = z.infer<typeof FeedSchema>

const FeedFields = {
  name: FeedName,
  format: FeedFormatSchema,
  url: HttpUrl.nullable(),
  path: z.string().min(1).max(4096).nullable(),
  schedule: CronSchema.nullable(),
  enabled: z.boolean(),
  auth: FeedAuthInputSchema.nullable(),
  defaultTlp: TlpSchema,
  reliability: ReliabilitySchema,
  tags: FeedTags,
  options: FeedOptions,
}

export const FeedCreateSchema = z
  .strictObject({
    name: FeedFields.name,
    format: FeedFields.format,
    url: FeedFields.url.default(null),
    path: FeedFields.path.default(null),
    schedule: FeedFields.schedule.default(null),
    enabled: FeedFields.enabled.default(true),
    auth: FeedFields.auth.default(null),
    // Unknown sources are treated as restricted until the analyst says otherwise.
    defaultTlp: FeedFields.defaultTlp.default('amber'),
    reliability: FeedFields.reliability.default('F'),
    tags: FeedFields.tags.default([]),
    options: FeedFields.options.default({}),
    /** Desktop app: a file the user picked (files.pickImport) instead of a path; the feed keeps its path. */
    handle: FileHandleSchema.optional(),
  })
  .refine(
    (f) => [f.url !== null, f.path !== null, f.handle !== undefined].filter(Boolean).length === 1,
    {
      message: 'Give exactly one of url or path (or, in the desktop app, a picked file)',
      path: ['url'],
    },
  )
  .refine((f) => f.auth?.kind !== 'url' || (f.url ?? '').includes(AUTH_KEY_PLACEHOLDER), {
    message: 'An auth of kind url needs {authKey} in the URL',
    path: ['url'],
  })
export type FeedCreate = z.infer<typeof FeedCreateSchema>

export const FeedPatchSchema = z
  .strictObject({
    ...FeedFields,
    /** Desktop app: read another picked file (files.pickImport) from now on; instead of `path`. */
    handle: FileHandleSchema,
  })
  .partial()
  .refine((p) => p.path === undefined || p.handle === undefined, {
    message: 'Give path or handle, not both',
    path: ['path'],
  })
export type FeedPatch = z.infer<typeof FeedPatchSchema>

export const CatalogueEntrySchema = z.object({
  key: z.string(),
  name: z.string(),
  format: FeedFormatSchema,
  url: z.string(),
  description: z.string(),
  defaultTlp: TlpSchema,
  reliability: ReliabilitySchema,
  schedule: z.string().nullable(),
  needsAuthKey: z.boolean(),
  /** A template (a TAXII server): create the feed with feeds.create and its own URL instead. */
  needsConfiguration: z.boolean(),
  homepage: z.string(),
  /** A feed made from this entry exists already. */
  added: z.boolean(),
})
export type CatalogueEntry = z.infer<typeof CatalogueEntrySchema>

const ImportFormat = z.union([FeedFormatSchema, z.literal('auto')])

export const DetectFormatResultSchema = z.union([
  z.object({ format: FeedFormatSchema, csv: CsvPreviewSchema.optional() }),
  z.object({ ambiguous: z.array(FeedFormatSchema), csv: CsvPreviewSchema.optional() }),
  /** Not a format we read; `looksLike` says what it seems to be ("an HTML page", "a PNG image"). */
  z.object({ unknown: z.literal(true), looksLike: z.string().optional() }),
])
export type DetectFormatResult = z.infer<typeof DetectFormatResultSchema>

export const ObservationSchema = z.object({
  id: z.number().int(),
  indicatorId: Uuid,
  feedId: Uuid.nullable(),
  /** The feed's current name, or the label of the ad-hoc import. */
  source: z.string(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  confidence: z.number().int().nullable(),
  threatType: z.string().nullable(),
  malware: z.string().nullable(),
  tags: z.array(z.string()),
  reference: z.string().nullable(),
  description: z.string().nullable(),
  tlp: TlpSchema.nullable(),
  port: z.number().int().nullable(),
  raw: z.unknown().nullable(),
  /** What the source says the thing is and how severe, as it stated them (null: it did not). */
  classification: ClassificationSchema.nullable(),
  severity: SeveritySchema.nullable(),
  /** The MISP event or STIX report the record came in. */
  eventTitle: z.string().nullable(),
  /** How often this source reported something new about the indicator. */
  sightings: z.number().int(),
  lastRunId: Uuid.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Observation = z.infer<typeof ObservationSchema>

export const feedsContract = {
  'feeds.list': method({
    summary: 'List configured feeds with their last run (secrets are never returned)',
    input: z.strictObject({}),
    output: z.object({ items: z.array(FeedSchema) }),
  }),
  'feeds.get': method({
    summary: 'Get one feed',
    input: z.strictObject({ id: Uuid }),
    output: FeedSchema,
  }),
  'feeds.create': method({
    summary: 'Add a feed; 409 if the name is taken',
    input: FeedCreateSchema,
    output: FeedSchema,
    mutates: true,
  }),
  'feeds.update': method({
    summary: 'Change a feed (auth: null removes it; omitted keeps it)',
    input: z.strictObject({ id: Uuid, patch: FeedPatchSchema }),
    output: FeedSchema,
    mutates: true,
  }),
  'feeds.delete': method({
    summary: 'Delete a feed with its runs and observations (indicators are kept)',
    input: z.strictObject({ id: Uuid }),
    output: Ok,
    mutates: true,
  }),
  'feeds.catalogue': method({
    summary: 'Built-in feed definitions addable with one click',
    input: z.strictObject({}),
    output: z.object({ items: z.array(CatalogueEntrySchema) }),
  }),
  'feeds.addFromCatalogue': method({
    summary: 'Add a built-in feed (authKey for feeds that need an API key)',
    input: z.strictObject({
      key: z.string().min(1).max(64),
      authKey: z.string().min(1).max(4096).optional(),
    }),
    output: FeedSchema,
    mutates: true,
  }),
  'feeds.run': method({
    summary: 'Run a feed now; with wait the finished run is returned, otherwise the started one',
    input: z.strictObject({ id: Uuid, wait: z.boolean().default(false) }),
    output: FeedRunSchema,
    mutates: true,
  }),
  'feeds.cancel': method({
    summary: 'Cancel a running or queued run',
    input: z.strictObject({ runId: Uuid }),
    output: Ok,
    mutates: true,
  }),
  'feeds.runs': method({
    summary: 'Run history, newest first, of one feed or of all feeds and imports',
    input: z.strictObject({
      feedId: Uuid.optional(),
      limit: PageLimit,
      cursor: z.string().max(256).optional(),
    }),
    output: pageOf(FeedRunSchema),
  }),
  'feeds.getRun': method({
    summary: 'One run with its rejected records (at most 1,000 listed; `rejected` counts all)',
    input: z.strictObject({ id: Uuid }),
    output: FeedRunDetailSchema,
  }),
  'feeds.importFile': method({
    summary:
      'Import a local file (a path from the CLI, a handle from the desktop app: files.pickImport; not over HTTP); with wait (the default) the finished run is returned, otherwise the started one',
    input: z
      .strictObject({
        /** The CLI and in-process callers only: the desktop's window and HTTP callers cannot name a path. */
        path: z.string().min(1).max(4096).optional(),
        /** A file the user picked in the desktop app's dialog (files.pickImport); good for one import. */
        handle: FileHandleSchema.optional(),
        format: ImportFormat.default('auto'),
        /** A generic CSV's column mapping (with format auto, it makes the input a generic CSV). */
        mapping: CsvMappingSchema.optional(),
        name: FeedName.optional(),
        wait: z.boolean().default(true),
      })
      .refine((q) => (q.path === undefined) !== (q.handle === undefined), {
        message: 'Give exactly one of path or handle',
        path: ['path'],
      }),
    output: FeedRunSchema,
    mutates: true,
  }),
  'feeds.importUrl': method({
    summary:
      'Import once from a URL without adding a feed; with wait (the default) the finished run is returned, otherwise the started one',
    input: z.strictObject({
      url: HttpUrl,
      format: ImportFormat.default('auto'),
      /** A generic CSV's column mapping (with format auto, it makes the input a generic CSV). */
      mapping: CsvMappingSchema.optional(),
      name: FeedName.optional(),
      wait: z.boolean().default(true),
    }),
    output: FeedRunSchema,
    mutates: true,
  }),
  'feeds.importText': method({
    summary:
      'Import dropped file content (browser build); with wait (the default) the finished run is returned, otherwise the started one',
    input: z.strictObject({
      content: z.string().max(MAX_IMPORT_TEXT_CHARS),
      fileName: z.string().trim().min(1).max(255),
      format: ImportFormat.default('auto'),
      mapping: CsvMappingSchema.optional(),
      /** false: answer at once with the queued run; follow it with feeds.onDidProgress/onDidFinishRun. */
      wait: z.boolean().default(true),
    }),
    output: FeedRunSchema,
    mutates: true,
  }),
  'feeds.detectFormat': method({
    summary:
      'Detect the format of a dropped file from its first 64 KB and its name, or of a file picked in the desktop app by its handle',
    input: z
      .strictObject({
        head: z.string().max(DETECT_HEAD_CHARS).optional(),
        fileName: z.string().max(255).optional(),
        /** A file picked with files.pickImport: its first 64 KB are read (unzipped) in the main process. */
        handle: FileHandleSchema.optional(),
      })
      .refine((q) => (q.head === undefined) !== (q.handle === undefined), {
        message: 'Give exactly one of head or handle',
        path: ['head'],
      }),
    output: DetectFormatResultSchema,
  }),
  'observations.list': method({
    summary: 'What each source reported about one indicator ("seen by N sources")',
    input: z.strictObject({ indicatorId: Uuid, limit: PageLimit }),
    output: z.object({ items: z.array(ObservationSchema), total: z.number().int() }),
  }),
} as const

export const feedsEvents = {
  /** At most every 250 ms per run, plus once per phase change. */
  'feeds.onDidProgress': z.object({
    runId: Uuid,
    feedId: Uuid.nullable(),
    phase: z.enum(RUN_PHASES),
    bytes: z.number().int(),
    rows: z.number().int(),
    rowsPerSecond: z.number().int(),
  }),
  'feeds.onDidFinishRun': z.object({ run: FeedRunSchema }),
  /** A feed was added, changed or removed; views refresh. */
  'feeds.onDidChange': z.object({ kind: z.enum(['created', 'updated', 'deleted']), id: Uuid }),
} as const
