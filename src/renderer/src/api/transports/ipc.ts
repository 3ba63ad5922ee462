import type { Bridge } from '#shared/bridge'
import type { RpcResult } from '#shared/contract'
import type { Transport } from '../transport'

/**
 * Electron: calls go through the preload's bridge. A rejected invoke (a broken channel, not a handler error,
 * which arrives as a result) is turned into a result too, so the client has one error path.
 */
export const createIpcTransport = (bridge: Bridge): Transport => ({
  kind: 'ipc',
  invoke: async (method, input): Promise<RpcResult<unknown>> => {
    try {
      return await bridge.invoke(method, input)
    } catch (e) {
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `IPC call ${method} failed: ${e instanceof Error ? e.message : String(e)}`,
        },
      }
    }
  },
  on: (event, listener) => bridge.on(event, listener),
  // The IPC channel has no token: the main process checks the sender frame instead.
  onUnauthorized: () => () => {},
})
