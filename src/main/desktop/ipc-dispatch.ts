import type { RpcResult } from '#shared/contract'
import { localActor, type Dispatch } from '#core'
import type { PickOwner, PickedFileRegistry } from './picked-files'

/**
 * The IPC adapter's logic without Electron, so tests run it under plain Node: check the sender's frame URL
 * against the app's own origin, then dispatch. src/main/desktop/ipc.ts binds it to ipcMain.handle.
 */
export const createIpcDispatch = (opts: {
  dispatch: Dispatch
  /** True when the calling frame is our renderer (file:// of out/renderer or the dev server URL). */
  isTrustedSender: (frameUrl: string | undefined) => boolean
  /**
   * The files the user picked in an open dialog, per window. Without it (or without the sender's id) a call
   * has no picked files: files.pickImport and handles are refused.
   */
  files?: PickedFileRegistry
}) => {
  // The desktop's user is the one logged in to this machine.
  const actor = localActor()
  return async (
    frameUrl: string | undefined,
    method: unknown,
    input: unknown,
    /** The calling window (its webContents id): what it picks is its own. */
    sender?: PickOwner,
  ): Promise<RpcResult<unknown>> => {
    if (!opts.isTrustedSender(frameUrl)) {
      return {
        ok: false,
        error: { code: 'forbidden', message: 'IPC call from an untrusted frame' },
      }
    }
    if (typeof method !== 'string') {
      return {
        ok: false,
        error: { code: 'unknown_method', message: 'Method name must be a string' },
      }
    }
    const files = opts.files && sender !== undefined ? opts.files.forOwner(sender) : undefined
    return opts.dispatch(method, input, {
      caller: 'ipc',
      actor,
      signal: new AbortController().signal,
      ...(files ? { files } : {}),
    })
  }
}
