import { z } from 'zod'
import { IOC_TYPES } from '../domain/enums'
import { Ok, Timestamp, Uuid } from './common.schemas'
import { method } from './define'

const IocType = z.enum(IOC_TYPES)

/** The list kinds of the MISP warninglist format. */
export const WARNINGLIST_KINDS = ['cidr', 'hostname', 'string', 'substring', 'regex'] as const
export const WARNINGLIST_SOURCES = ['builtin', 'imported'] as const

/** Files in one warninglists.import call, and the text of one (the engine's own bound on a list file). */
export const MAX_IMPORT_FILES = 2000
export const MAX_IMPORT_FILE_CHARS = 64 * 1024 * 1024
/** Values checked in one warninglists.check call. */
export const MAX_CHECK_VALUES = 10_000

/** `builtin:<file>` for a list shipped with the app, a UUID for an imported one. */
const ListId = z.string().min(1).max(80)

export const WarninglistSchema = z.object({
  id: ListId,
  name: z.string(),
  description: z.string(),
  version: z.number().int(),
  type: z.enum(WARNINGLIST_KINDS),
  category: z.enum(['false_positive', 'known']),
  /** MISP attribute types the list applies to; null: every type. */
  matchingAttributes: z.array(z.string()).nullable(),
  /** ThreatEye indicator types it applies to. */
  appliesTo: z.array(IocType),
  source: z.enum(WARNINGLIST_SOURCES),
  enabled: z.boolean(),
  entryCount: z.number().int().min(0),
  /** When it was imported or its state last changed; null for a built-in never changed. */
  updatedAt: Timestamp.nullable(),
})
export type WarninglistDto = z.infer<typeof WarninglistSchema>

/** One problem with an imported file, naming the file and the field (`list[12]`, `version`, `(file)`). */
export const WarninglistIssueSchema = z.object({
  file: z.string(),
  field: z.string(),
  message: z.string(),
})
export type WarninglistIssueDto = z.infer<typeof WarninglistIssueSchema>

export const WarninglistHitSchema = z.object({
  listId: ListId,
  listName: z.string(),
  /** The entry that matched: the network, host, string, substring or pattern. */
  entry: z.string(),
})
export type WarninglistHitDto = z.infer<typeof WarninglistHitSchema>

export const StoredWarninglistHitSchema = WarninglistHitSchema.extend({ matchedAt: Timestamp })

const CheckItem = z.strictObject({
  type: IocType.optional(),
  value: z.string().min(1).max(8192),
})

export const CheckResultSchema = z.object({
  /** As given. */
  value: z.string(),
  /** The canonical indicator it parsed as; null type when it is not an indicator (then no hits). */
  type: IocType.nullable(),
  canonical: z.string().nullable(),
  hits: z.array(WarninglistHitSchema),
  /** On the analysts' allowlist. */
  allowlisted: z.boolean(),
  /** Why it is not an indicator, when it is not. */
  reason: z.string().optional(),
})

export const RescanReportSchema = z.object({
  /** Indicators looked at. */
  scanned: z.number().int(),
  /** Of them, how many hit at least one enabled list. */
  withHits: z.number().int(),
  /** Indicators whose hits changed (count or lists). */
  changed: z.number().int(),
})

export const warninglistsContract = {
  'warninglists.list': method({
    summary: 'The warninglists (built-in and imported) with their state and entry counts',
    input: z.strictObject({}),
    output: z.object({ items: z.array(WarninglistSchema) }),
  }),
  'warninglists.setEnabled': method({
    summary:
      'Turn a list on or off for ingest and checks; turning one off drops its hits at once (turning one on applies with warninglists.rescan)',
    input: z.strictObject({ id: ListId, enabled: z.boolean() }),
    output: WarninglistSchema,
    mutates: true,
  }),
  'warninglists.import': method({
    summary:
      'Import MISP warninglists (the text of one or more list.json files): a bad file is refused naming the file and the field, the good ones are kept; a list with the name of one imported before replaces it',
    input: z.strictObject({
      files: z
        .array(
          z.strictObject({
            name: z.string().min(1).max(1024),
            content: z.string().max(MAX_IMPORT_FILE_CHARS),
          }),
        )
        .min(1)
        .max(MAX_IMPORT_FILES),
    }),
    output: z.object({
      imported: z.array(WarninglistSchema),
      /** Files refused whole. */
      errors: z.array(WarninglistIssueSchema),
      /** Entries dropped from lists that were kept (the first ones). */
      issues: z.array(WarninglistIssueSchema),
    }),
    mutates: true,
  }),
  'warninglists.importPicked': method({
    summary:
      'Desktop app only: pick a folder of MISP warninglists (*.json, <name>/list.json) in a dialog and import it as warninglists.import does',
    input: z.strictObject({}),
    output: z.object({
      /** False when the dialog was cancelled (nothing imported). */
      picked: z.boolean(),
      imported: z.array(WarninglistSchema),
      errors: z.array(WarninglistIssueSchema),
      issues: z.array(WarninglistIssueSchema),
    }),
    mutates: true,
  }),
  'warninglists.remove': method({
    summary: 'Remove an imported list and its hits (built-in lists can only be disabled)',
    input: z.strictObject({ id: ListId }),
    output: Ok,
    mutates: true,
  }),
  'warninglists.check': method({
    summary: 'Which enabled warninglists a value (or several) hits, and whether it is allowlisted',
    input: z.union([
      CheckItem,
      z.strictObject({ values: z.array(CheckItem).min(1).max(MAX_CHECK_VALUES) }),
    ]),
    output: z.object({ results: z.array(CheckResultSchema) }),
  }),
  'warninglists.getHits': method({
    summary: 'The warninglist hits stored for one indicator, and whether its value is allowlisted',
    input: z.strictObject({ id: Uuid }),
    output: z.object({
      hits: z.array(StoredWarninglistHitSchema),
      allowlisted: z.boolean(),
    }),
  }),
  'warninglists.rescan': method({
    summary:
      'Match every indicator against the enabled lists again and store its hits (run it as a job: jobs.start)',
    input: z.strictObject({}),
    output: RescanReportSchema,
    mutates: true,
  }),
} as const
