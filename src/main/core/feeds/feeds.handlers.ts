import { callerOf } from '../audit/change-log'
import { pickedFilesOf } from '../files/files.handlers'
import { AppError } from '#shared/contract'
import type { FeedRun } from '#shared/contract/feeds.contract'
import type { CallContext, HandlerMap } from '../rpc/handlers'
import type { FeedsService } from './feeds.service'

type FeedMethod =
  | 'feeds.list'
  | 'feeds.get'
  | 'feeds.create'
  | 'feeds.update'
  | 'feeds.delete'
  | 'feeds.catalogue'
  | 'feeds.addFromCatalogue'
  | 'feeds.run'
  | 'feeds.cancel'
  | 'feeds.runs'
  | 'feeds.getRun'
  | 'feeds.importFile'
  | 'feeds.importUrl'
  | 'feeds.importText'
  | 'feeds.detectFormat'
  | 'observations.list'

/**
 * A local path names a file on the machine running the core, and an import quotes that file's lines back in
 * its rejects and errors. So only the CLI and in-process callers name paths. Not an HTTP caller, or the API
 * (and, later, the team server) would read any file the process can read: browsers upload content instead
 * (feeds.importText). Not the desktop's window either, or any script running in the page could: the user
 * picks the file in the main process's dialog and the page sends its handle (files.pickImport).
 */
const refuseNamedPath = (ctx: CallContext, what: string): void => {
  if (ctx.caller === 'http') {
    throw new AppError(
      'forbidden',
      `${what} reads files on the machine running ThreatEye and is not offered over HTTP: upload the content (feeds.importText), give a URL, or use the threateye CLI`,
      { field: 'path' },
    )
  }
  if (ctx.caller === 'ipc') {
    throw new AppError(
      'forbidden',
      'path: the app window cannot name a file for ThreatEye to read; pick it with Open file… (files.pickImport) and send its handle',
      { field: 'path' },
    )
  }
}

/** The file an import reads: a picked file's (used up by the import) or a path its caller may name. */
const importPath = (
  q: { path?: string | undefined; handle?: string | undefined },
  ctx: CallContext,
  use: 'peek' | 'take',
): string => {
  if (q.handle !== undefined) return pickedFilesOf(ctx, 'handle').pathOf(q.handle, use)
  refuseNamedPath(ctx, 'Importing a local file')
  // The contract asks for exactly one of the two.
  return q.path ?? ''
}

/**
 * A feed reading a picked file keeps its path. The handle is used up only once the feed is saved, so a
 * refused name or schedule can be fixed without picking the file again.
 */
const withPickedFile = async <T>(
  ctx: CallContext,
  handle: string,
  save: (path: string) => Promise<T>,
): Promise<T> => {
  const files = pickedFilesOf(ctx, 'handle')
  const saved = await save(files.pathOf(handle, 'peek'))
  files.pathOf(handle, 'take')
  return saved
}

/** Runs started from the command line are recorded as such in the history. */
const trigger = (ctx: CallContext, otherwise: FeedRun['trigger']): FeedRun['trigger'] =>
  ctx.caller === 'cli' ? 'cli' : otherwise

export const createFeedHandlers = ({ config, runs }: FeedsService): HandlerMap<FeedMethod> => ({
  'feeds.list': async () => ({ items: await config.list() }),
  'feeds.get': ({ id }) => config.get(id),
  'feeds.create': ({ handle, ...input }, ctx) => {
    if (handle !== undefined)
      return withPickedFile(ctx, handle, (path) => config.create({ ...input, path }, callerOf(ctx)))
    if (input.path !== null) refuseNamedPath(ctx, 'A feed with a local path')
    return config.create(input, callerOf(ctx))
  },
  'feeds.update': async ({ id, patch: { handle, ...patch } }, ctx) => {
    if (handle !== undefined)
      return withPickedFile(ctx, handle, (path) =>
        config.update(id, { ...patch, path }, callerOf(ctx)),
      )
    // The window's feed form sends back the path it was shown: keeping it names no new file.
    if (patch.path) {
      const kept = ctx.caller === 'ipc' && patch.path === (await config.get(id)).path
      if (!kept) refuseNamedPath(ctx, 'A feed with a local path')
    }
    return config.update(id, patch, callerOf(ctx))
  },
  'feeds.delete': async ({ id }, ctx) => {
    await config.remove(id, callerOf(ctx))
    return { ok: true }
  },
  'feeds.catalogue': async () => ({ items: await config.catalogue() }),
  'feeds.addFromCatalogue': ({ key, authKey }, ctx) =>
    config.addFromCatalogue(key, authKey, callerOf(ctx)),
  'feeds.run': ({ id, wait }, ctx) =>
    runs.run(id, trigger(ctx, 'manual'), wait, ctx.signal, callerOf(ctx)),
  'feeds.cancel': async ({ runId }) => {
    runs.cancel(runId)
    return { ok: true }
  },
  'feeds.runs': async (q) => runs.list(q),
  'feeds.getRun': async ({ id }) => runs.get(id),
  'feeds.importFile': ({ handle, path, ...q }, ctx) =>
    runs.importFile(
      { ...q, path: importPath({ handle, path }, ctx, 'take') },
      trigger(ctx, 'import'),
      ctx.signal,
      callerOf(ctx),
    ),
  'feeds.importUrl': (q, ctx) =>
    runs.importUrl(q, trigger(ctx, 'import'), ctx.signal, callerOf(ctx)),
  'feeds.importText': (q, ctx) =>
    runs.importText(q, trigger(ctx, 'import'), ctx.signal, callerOf(ctx)),
  'feeds.detectFormat': async ({ head, fileName, handle }, ctx) =>
    head !== undefined
      ? runs.detectFormat(head, fileName)
      : runs.detectFileFormat(importPath({ handle }, ctx, 'peek')),
  'observations.list': async ({ indicatorId, limit }) => runs.observations(indicatorId, limit),
})
