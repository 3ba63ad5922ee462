import { ERROR_CODES, type RpcError, type RpcResult } from '#shared/contract'
import type { Transport } from '../transport'

const TOKEN_KEY = 'threateye.apiToken'
/** Generous bound: our tokens are far shorter, anything longer is not one of ours. */
const MAX_TOKEN_LENGTH = 512

/**
 * The server prints `http://host:port/#token=...` once. Take the token from the fragment (never sent to the
 * server, never logged), keep it for this tab only, and remove it from the address bar so it is not
 * bookmarked, shared in a screenshot or left in history.
 */
export const takeApiToken = (): string | null => {
  const match = /(?:^#|&)token=([^&]*)/.exec(window.location.hash)
  if (match) {
    const token = safeDecode(match[1] ?? '')
    const { pathname, search } = window.location
    window.history.replaceState(window.history.state, '', `${pathname}${search}`)
    if (token.length > 0 && token.length <= MAX_TOKEN_LENGTH) {
      window.sessionStorage.setItem(TOKEN_KEY, token)
      return token
    }
    window.sessionStorage.removeItem(TOKEN_KEY)
    return null
  }
  return window.sessionStorage.getItem(TOKEN_KEY)
}

export const forgetApiToken = (): void => window.sessionStorage.removeItem(TOKEN_KEY)

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return ''
  }
}

const isRpcError = (v: unknown): v is RpcError =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { code?: unknown }).code === 'string' &&
  (ERROR_CODES as readonly string[]).includes((v as { code: string }).code) &&
  typeof (v as { message?: unknown }).message === 'string'

/** Accepts only the documented envelope; anything else from the server is reported, not trusted. */
const toResult = (body: unknown, status: number, method: string): RpcResult<unknown> => {
  if (typeof body === 'object' && body !== null && 'ok' in body) {
    if (body.ok === true && 'value' in body) return { ok: true, value: body.value }
    if (body.ok === false && 'error' in body && isRpcError(body.error))
      return { ok: false, error: body.error }
  }
  if (status === 401) {
    return {
      ok: false,
      error: { code: 'unauthorized', message: 'The server refused the API token' },
    }
  }
  return {
    ok: false,
    error: { code: 'internal', message: `Unexpected response to ${method} (HTTP ${status})` },
  }
}

/**
 * Headless mode: the contract over `POST /api/rpc/<method>` with a bearer token, and events over one shared
 * EventSource (it cannot send headers, so the token goes in the query string of that one URL).
 */
export const createHttpTransport = (opts: { token: string; baseUrl?: string }): Transport => {
  const base = opts.baseUrl ?? ''
  const unauthorizedListeners = new Set<() => void>()
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>()
  let source: EventSource | null = null

  const reportUnauthorized = () => {
    for (const l of [...unauthorizedListeners]) l()
  }

  const ensureSource = (): EventSource => {
    if (source) return source
    source = new EventSource(`${base}/api/events?token=${encodeURIComponent(opts.token)}`)
    return source
  }

  const subscribeSource = (event: string) => {
    ensureSource().addEventListener(event, (e) => {
      let payload: unknown
      try {
        payload = JSON.parse((e as MessageEvent<string>).data)
      } catch {
        return
      }
      for (const l of [...(eventListeners.get(event) ?? [])]) l(payload)
    })
  }

  return {
    kind: 'http',
    invoke: async (method, input) => {
      let response: Response
      try {
        response = await fetch(`${base}/api/rpc/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
          body: JSON.stringify(input ?? {}),
        })
      } catch {
        return {
          ok: false,
          error: {
            code: 'upstream_failed',
            message: 'Cannot reach the ThreatEye server; is it still running?',
          },
        }
      }
      const body: unknown = await response.json().catch(() => null)
      const result = toResult(body, response.status, method)
      if (!result.ok && result.error.code === 'unauthorized') reportUnauthorized()
      return result
    },
    on: (event, listener) => {
      let set = eventListeners.get(event)
      if (!set) {
        set = new Set()
        eventListeners.set(event, set)
        subscribeSource(event)
      }
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
    onUnauthorized: (listener) => {
      unauthorizedListeners.add(listener)
      return () => {
        unauthorizedListeners.delete(listener)
      }
    },
  }
}
