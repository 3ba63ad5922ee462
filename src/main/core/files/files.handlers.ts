import { AppError } from '#shared/contract'
import type { CallContext, HandlerMap, PickedFiles } from '../rpc/handlers'

/**
 * The files the caller picked in the desktop's dialog. Only the desktop's IPC transport has a dialog (and binds
 * what was picked to the window that asked); the CLI names its files by path, and an HTTP client sends content.
 */
export const pickedFilesOf = (ctx: CallContext, field: string): PickedFiles => {
  if (ctx.files) return ctx.files
  throw new AppError(
    'forbidden',
    `${field}: picked files exist only in the desktop app (its Open file… dialog); over HTTP send the content with feeds.importText, or import with the threateye CLI`,
    { field },
  )
}

export const createFileHandlers = (): HandlerMap<'files.pickImport'> => ({
  'files.pickImport': async (_q, ctx) => ({ file: await pickedFilesOf(ctx, 'files').pick() }),
})
