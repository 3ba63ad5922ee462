import { z } from 'zod'
import { TLP_LEVELS } from '../domain/enums'
import { Timestamp, Uuid } from './common.schemas'
import { IndicatorFilterSchema, IndicatorSortSchema } from './indicators.contract'
import { IntelKindSchema } from './intel.schemas'

/**
 * Export (issue 11): a target (what to export) becomes one file in one format, written as a background job
 * into the data directory's exports folder and listed there until deleted. TLP travels with it: `export.check`
 * says what the target holds before anything is written, and `export.start` refuses AMBER or RED material
 * unless the caller confirms it.
 */
export const EXPORT_FORMATS = ['csv', 'pdf', 'stix', 'misp'] as const
export const ExportFormatSchema = z.enum(EXPORT_FORMATS)
export type ExportFormat = z.infer<typeof ExportFormatSchema>

/** Neighbourhood depth of an entity export: its direct relationships, or theirs too. */
export const ExportHopsSchema = z.union([z.literal(1), z.literal(2)])

/** Filter of an entity list export (the Intel view's list). */
export const EntityListFilterSchema = z.strictObject({
  /** Substring of the name or an alias, case-insensitive. */
  q: z.string().trim().max(300).optional(),
  projectId: Uuid.optional(),
  /** Only entities that use this ATT&CK technique. */
  technique: z.string().trim().max(16).optional(),
})

export const ExportTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('indicators'),
    filter: IndicatorFilterSchema.default({}),
    sort: IndicatorSortSchema.default({ field: 'score', dir: 'desc' }),
  }),
  z.strictObject({ kind: z.literal('report'), id: Uuid }),
  z.strictObject({ kind: z.literal('entity'), id: Uuid, hops: ExportHopsSchema.default(1) }),
  z.strictObject({ kind: z.literal('project'), id: Uuid }),
  z.strictObject({
    kind: z.literal('entities'),
    entityKind: IntelKindSchema,
    filter: EntityListFilterSchema.default({}),
  }),
])
export type ExportTarget = z.infer<typeof ExportTargetSchema>
export type ExportTargetInput = z.input<typeof ExportTargetSchema>

const TlpSchema = z.enum(TLP_LEVELS)
const TlpCountsSchema = z.partialRecord(TlpSchema, z.number().int().min(0))

/** TLPs an export must be confirmed for: material not for sharing beyond the recipient's organisation. */
export const CONFIRM_TLPS = ['amber', 'amber+strict', 'red'] as const

export const ExportCheckSchema = z.object({
  /** The strictest TLP of anything in the target. */
  tlp: TlpSchema,
  tlpCounts: TlpCountsSchema,
  indicatorCount: z.number().int().min(0),
  entityCount: z.number().int().min(0),
  /** What the target is, in words (the file list shows it). */
  targetText: z.string(),
  /** Set when the target holds AMBER or RED material: say it, and ask before saving. */
  warning: z.string().nullable(),
  /** export.start needs confirmTlp: true for this target. */
  needsConfirm: z.boolean(),
  /** The formats this build writes (the dialog offers only these). */
  formats: z.array(ExportFormatSchema),
})
export type ExportCheck = z.infer<typeof ExportCheckSchema>

/** One finished export file. */
export const ExportFileSchema = z.object({
  id: Uuid,
  format: ExportFormatSchema,
  target: ExportTargetSchema,
  targetText: z.string(),
  tlp: TlpSchema,
  defang: z.boolean(),
  /** The name a download or a save dialog proposes (carries the TLP). */
  fileName: z.string(),
  /** Where it lies on this machine. */
  path: z.string(),
  mediaType: z.string(),
  size: z.number().int().min(0),
  /** Indicator rows (entity rows for an entity list CSV). */
  rows: z.number().int().min(0),
  createdAt: Timestamp,
})
export type ExportFile = z.infer<typeof ExportFileSchema>

/** Largest slice export.readFile returns: a renderer reads a big file in a loop. */
export const EXPORT_CHUNK_MAX_BYTES = 4 * 1024 * 1024
