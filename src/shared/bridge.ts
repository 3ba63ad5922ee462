import type { RpcResult } from './contract/errors'

/**
 * The one object the preload exposes to the page (as `window.bridge`), and that the Playwright tests inject
 * with the same shape. It carries contract calls and events, nothing else: no ipcRenderer, no Node.
 */
export type Bridge = {
  invoke(method: string, input: unknown): Promise<RpcResult<unknown>>
  /** Subscribes to a core event; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void
}

/** Channel names shared by the preload and the main-process IPC adapter. */
export const IPC_INVOKE_CHANNEL = 'threateye:invoke'
export const IPC_EVENT_CHANNEL = 'threateye:event'
