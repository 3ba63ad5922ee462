import { callerOf } from '../audit/change-log'
import type { HandlerMap } from '../rpc/handlers'
import type { ExportService } from './export.service'

type ExportMethod =
  | 'export.check'
  | 'export.start'
  | 'export.list'
  | 'export.get'
  | 'export.delete'
  | 'export.readFile'

export const createExportHandlers = (exports: ExportService): HandlerMap<ExportMethod> => ({
  'export.check': async ({ target }) => exports.check(target),
  'export.start': async (req, call) => exports.start(req, callerOf(call)),
  'export.list': async ({ limit }) => ({ items: exports.list(limit) }),
  'export.get': async ({ id }) => exports.get(id),
  'export.delete': async ({ id }, call) => {
    await exports.remove(id, callerOf(call))
    return { ok: true as const }
  },
  'export.readFile': async ({ id, offset, length }) => {
    const { data, size } = await exports.read(id, offset, length)
    const end = offset + data.length
    return {
      data: data.toString('base64'),
      offset,
      nextOffset: end < size ? end : null,
      size,
    }
  },
})
