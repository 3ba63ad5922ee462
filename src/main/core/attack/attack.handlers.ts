import type { KnowledgeRebuildReport } from '#shared/contract/attack.contract'
import { AppError } from '#shared/contract/errors'
import { callerOf } from '../audit/change-log'
import { pickedFilesOf } from '../files/files.handlers'
import type { CallContext, HandlerMap } from '../rpc/handlers'
import type { AttackService } from './attack.service'

type AttackMethod =
  | 'attack.getCatalogue'
  | 'attack.listTactics'
  | 'attack.searchTechniques'
  | 'attack.getTechnique'
  | 'attack.matrix'
  | 'attack.importBundle'
  | 'attack.resetCatalogue'
  | 'attack.rebuildKnowledge'

/** The knowledge-base rebuild (src/main/core/intel/import), with the call's signal and progress. */
export type RebuildKnowledge = (
  ctx: Pick<CallContext, 'signal' | 'progress'>,
) => Promise<KnowledgeRebuildReport>

/**
 * A path names a file on the machine running the core: only the CLI and in-process callers may name one
 * (as feeds.importFile). The desktop's window picks the file in the main process's dialog and sends its
 * handle; HTTP callers send the text.
 */
const pathOf = (q: { path?: string; handle?: string }, ctx: CallContext): string | null => {
  if (q.handle !== undefined) return pickedFilesOf(ctx, 'handle').pathOf(q.handle, 'take')
  if (q.path === undefined) return null
  if (ctx.caller === 'http' || ctx.caller === 'ipc') {
    throw new AppError(
      'forbidden',
      ctx.caller === 'http'
        ? 'path: reading files on the machine running ThreatEye is not offered over HTTP; send the bundle as text, or use threateye attack import'
        : 'path: the app window cannot name a file; pick it with Open file… (files.pickImport) and send its handle',
      { field: 'path' },
    )
  }
  return q.path
}

export const createAttackHandlers = (
  svc: AttackService,
  rebuild: RebuildKnowledge,
): HandlerMap<AttackMethod> => ({
  'attack.getCatalogue': async () => (await svc.index()).info(),
  'attack.listTactics': async () => ({ items: (await svc.index()).tactics() }),
  'attack.searchTechniques': async (q) => ({ items: (await svc.index()).search(q) }),
  'attack.getTechnique': async ({ id }) => (await svc.index()).detail(id),
  'attack.matrix': async () => (await svc.index()).matrix(),
  'attack.importBundle': async (q, ctx) => {
    const path = pathOf(q, ctx)
    const r =
      path === null
        ? await svc.importText(q.text ?? '', callerOf(ctx))
        : await svc.importFile(path, callerOf(ctx))
    return { catalogue: r.info, issues: r.issues, retired: r.retired, skipped: r.skipped }
  },
  'attack.resetCatalogue': async (_q, ctx) => svc.reset(callerOf(ctx)),
  'attack.rebuildKnowledge': async (_q, ctx) => rebuild(ctx),
})
