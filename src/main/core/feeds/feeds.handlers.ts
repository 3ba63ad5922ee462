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
 * A local path names a file on the machine running the core. The desktop (IPC), the CLI and tests may use one;
 * an HTTP caller may not, or the API (and, later, the team server) would read any file the process can read
 * and hand its lines back in reject reports. Browsers upload content instead (feeds.importText).
 */
const refuseLocalPathOverHttp = (ctx: CallContext, what: string): void => {
  if (ctx.caller === 'http') {
    throw new AppError(
      'forbidden',
      `${what} reads files on the machine running ThreatEye and is not offered over HTTP: upload the content (feeds.importText), give a URL, or use the threateye CLI`,
      { field: 'path' },
    )
  }
}

/**
 * The file an import reads. A handle is a file the user picked in the desktop's dialog, resolved in the main
 * process. A path is for the CLI and in-process callers only: from the desktop's window it could be any file
 * the app can read, named by whatever script runs in the page, so the window must pick instead.
 */
const importPath = (
  q: { path?: string | undefined; handle?: string | undefined },
  ctx: CallContext,
  use: 'peek' | 'take',
): string => {
  if (q.handle !== undefined) return pickedFilesOf(ctx, 'handle').pathOf(q.handle, use)
  // The contract asks for exactly one of the two.
  const path = q.path ?? ''
  refuseLocalPathOverHttp(ctx, 'Importing a local file')
  if (ctx.caller === 'ipc') {
    throw new AppError(
      'forbidden',
      'path: the app window cannot name a file to read; choose it with Open file… in the import dialog (files.pickImport gives a handle for feeds.importFile)',
      { field: 'path' },
    )
  }
  return path
}

/** Runs started from the command line are recorded as such in the history. */
const trigger = (ctx: CallContext, otherwise: FeedRun['trigger']): FeedRun['trigger'] =>
  ctx.caller === 'cli' ? 'cli' : otherwise

export const createFeedHandlers = ({ config, runs }: FeedsService): HandlerMap<FeedMethod> => ({
  'feeds.list': async () => ({ items: await config.list() }),
  'feeds.get': ({ id }) => config.get(id),
  'feeds.create': (input, ctx) => {
    if (input.path !== null) refuseLocalPathOverHttp(ctx, 'A feed with a local path')
    return config.create(input, callerOf(ctx))
  },
  'feeds.update': ({ id, patch }, ctx) => {
    if (patch.path) refuseLocalPathOverHttp(ctx, 'A feed with a local path')
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
