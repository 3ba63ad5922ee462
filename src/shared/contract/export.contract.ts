import { z } from 'zod'
import { Ok, Uuid } from './common.schemas'
import { method } from './define'
import {
  EXPORT_CHUNK_MAX_BYTES,
  ExportCheckSchema,
  ExportFileSchema,
  ExportFormatSchema,
  ExportTargetSchema,
} from './export.schemas'
import { JobSchema } from './jobs.contract'

/**
 * Export (issue 11): a target (what to export) becomes one file in one format, written as a background job
 * into the data directory's exports folder and listed there until deleted. Shapes in export.schemas.ts.
 */
export const exportContract = {
  'export.check': method({
    summary:
      'What an export of this target would hold: its strictest TLP, the count per TLP and a warning when it holds AMBER or RED material',
    input: z.strictObject({ target: ExportTargetSchema }),
    output: ExportCheckSchema,
  }),
  'export.start': method({
    summary:
      'Export a target to a file (CSV, PDF, STIX 2.1 or MISP) as a background job; AMBER or RED material needs confirmTlp: true',
    input: z.strictObject({
      format: ExportFormatSchema,
      target: ExportTargetSchema,
      /** Write indicator values defanged (hxxp, [.]) so nobody clicks them. */
      defang: z.boolean().default(false),
      /** The caller was told the target holds AMBER or RED material and exports it anyway. */
      confirmTlp: z.boolean().default(false),
    }),
    output: JobSchema,
    mutates: true,
  }),
  'export.list': method({
    summary: 'Export files in the data directory, newest first',
    input: z.strictObject({ limit: z.number().int().min(1).max(1000).default(100) }),
    output: z.object({ items: z.array(ExportFileSchema) }),
  }),
  'export.get': method({
    summary: 'One export file',
    input: z.strictObject({ id: Uuid }),
    output: ExportFileSchema,
  }),
  'export.delete': method({
    summary: 'Delete an export file',
    input: z.strictObject({ id: Uuid }),
    output: Ok,
    mutates: true,
  }),
  'export.readFile': method({
    summary: `A slice of an export file's bytes, base64 (at most ${EXPORT_CHUNK_MAX_BYTES} bytes a call)`,
    input: z.strictObject({
      id: Uuid,
      offset: z.number().int().min(0).default(0),
      length: z.number().int().min(1).max(EXPORT_CHUNK_MAX_BYTES).default(EXPORT_CHUNK_MAX_BYTES),
    }),
    output: z.object({
      data: z.string(),
      offset: z.number().int().min(0),
      /** Where the next slice starts; null at the end of the file. */
      nextOffset: z.number().int().min(0).nullable(),
      size: z.number().int().min(0),
    }),
  }),
} as const
