import { AppError } from '#shared/contract/errors'
import { callerOf } from '../audit/change-log'
import type { HandlerMap } from '../rpc/handlers'
import type { WarninglistsService } from './warninglists.service'

type WarninglistsMethod =
  | 'warninglists.list'
  | 'warninglists.setEnabled'
  | 'warninglists.import'
  | 'warninglists.importPicked'
  | 'warninglists.remove'
  | 'warninglists.check'
  | 'warninglists.getHits'
  | 'warninglists.rescan'

export const createWarninglistsHandlers = (
  svc: WarninglistsService,
): HandlerMap<WarninglistsMethod> => ({
  'warninglists.list': async () => ({ items: svc.list() }),
  'warninglists.setEnabled': ({ id, enabled }, ctx) => svc.setEnabled(id, enabled, callerOf(ctx)),
  'warninglists.import': ({ files }, ctx) => svc.importFiles(files, callerOf(ctx)),
  'warninglists.importPicked': async (_q, ctx) => {
    const files = ctx.files
    if (files?.pickFolder === undefined) {
      throw new AppError(
        'forbidden',
        'folder: picking a folder exists only in the desktop app; over HTTP send the files with warninglists.import, or use threateye warninglists import <dir>',
        { field: 'folder' },
      )
    }
    const dir = await files.pickFolder()
    if (dir === null) return { picked: false, imported: [], errors: [], issues: [] }
    return { picked: true, ...(await svc.importFolder(dir, callerOf(ctx))) }
  },
  'warninglists.remove': ({ id }, ctx) => svc.remove(id, callerOf(ctx)),
  'warninglists.check': async (input) => ({
    results: svc.check('values' in input ? input.values : [input]),
  }),
  'warninglists.getHits': async ({ id }) => svc.hitsOf(id),
  'warninglists.rescan': (_q, ctx) =>
    svc.rescan({ signal: ctx.signal, progress: ctx.progress }, callerOf(ctx)),
})
