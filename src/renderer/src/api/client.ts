import type { ErrorCode, EventName, EventPayload, In, Method, Out } from '#shared/contract'
import type { Transport } from './transport'
import { createHttpTransport, takeApiToken } from './transports/http'
import { createIpcTransport } from './transports/ipc'

/** A contract error as the renderer sees it: the same code, message and details on every transport. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly details: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.details = details
  }
}

export type Client = {
  readonly transport: Transport
  call<K extends Method>(method: K, input: In<K>): Promise<Out<K>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

export const createClient = (transport: Transport): Client => ({
  transport,
  call: async <K extends Method>(method: K, input: In<K>): Promise<Out<K>> => {
    const result = await transport.invoke(method, input)
    if (!result.ok)
      throw new ApiError(result.error.code, result.error.message, result.error.details)
    // The core validated the input and produced the output against this very contract.
    return result.value as Out<K>
  },
  on: <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) =>
    transport.on(event, (payload) => listener(payload as EventPayload<E>)),
})

export type TransportChoice = { kind: 'ready'; transport: Transport } | { kind: 'no-token' }

/** One build for both hosts: Electron's preload sets `window.bridge`; a browser talks HTTP to `serve`. */
export const pickTransport = (): TransportChoice => {
  if (window.bridge) return { kind: 'ready', transport: createIpcTransport(window.bridge) }
  const token = takeApiToken()
  if (!token) return { kind: 'no-token' }
  return { kind: 'ready', transport: createHttpTransport({ token }) }
}

/** Field-level messages from an `invalid_input` error, keyed by the issue path (`patch.score`, ...). */
export const issuesOf = (e: unknown): Record<string, string> => {
  if (!(e instanceof ApiError) || e.code !== 'invalid_input') return {}
  const details = e.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined
  const out: Record<string, string> = {}
  for (const issue of details?.issues ?? []) {
    if (typeof issue.path === 'string' && typeof issue.message === 'string')
      out[issue.path] ??= issue.message
  }
  return out
}

export const errorMessage = (e: unknown): string =>
  e instanceof Error ? e.message : typeof e === 'string' ? e : 'Unexpected error'
