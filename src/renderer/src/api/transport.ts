import type { Bridge } from '#shared/bridge'

/**
 * What the typed client talks to: the same two operations as the preload's `Bridge`, whichever way the calls
 * travel. `onUnauthorized` lets the HTTP transport tell the app its token was refused.
 */
export type Transport = Bridge & {
  readonly kind: 'ipc' | 'http'
  onUnauthorized(listener: () => void): () => void
}

declare global {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- augmenting Window needs declaration merging
  interface Window {
    /** Set by the preload (Electron) or by the IPC test harness; absent in a plain browser. */
    bridge?: Bridge
  }
}
