import { z } from 'zod'
import { method } from './define'

/**
 * An opaque reference to a file the user picked in the desktop app's open dialog. The main process keeps the
 * path; the page only ever holds this id, so a script in the page cannot name a file for the core to read.
 */
export const FileHandleSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'Not a file handle: pick the file with Open file… first')

/** What the page may know about a picked file: enough to show it, not where it is. */
export const PickedFileSchema = z.object({
  handle: FileHandleSchema,
  /** The file's base name, without its folder. */
  name: z.string(),
  size: z.number().int().nonnegative(),
})
export type PickedFile = z.infer<typeof PickedFileSchema>

/** How long a picked file's handle stays good, and it is good for one import. */
export const PICKED_FILE_TTL_MS = 10 * 60 * 1000

export const filesContract = {
  'files.pickImport': method({
    summary:
      'Desktop app only: open the file dialog and return a handle to the chosen file (null if cancelled), for feeds.importFile and feeds.detectFormat',
    input: z.strictObject({}),
    output: z.object({ file: PickedFileSchema.nullable() }),
  }),
} as const
