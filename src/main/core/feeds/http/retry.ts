import { formatMs } from './fetch-error'

/** Rejects with the signal's reason as soon as it aborts, so cancelling never waits out a backoff. */
export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const reason = (): Error => {
      const r: unknown = signal?.reason
      return r instanceof Error ? r : new Error('aborted')
    }
    if (signal?.aborted) {
      reject(reason())
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(reason())
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })

/** Exponential with "equal jitter": half fixed, half random, so synchronized clients spread out. */
export const backoffMs = (attempt: number, baseMs: number, random: () => number): number => {
  const exp = baseMs * 2 ** Math.min(attempt, 16)
  return Math.round(exp / 2 + (exp / 2) * random())
}

/** Retry-After is either delta-seconds or an HTTP date; returns ms to wait, or null when unusable. */
export const parseRetryAfter = (value: string | undefined, now: Date): number | null => {
  if (value === undefined) return null
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  if (Number.isNaN(at)) return null
  return Math.max(0, at - now.getTime())
}

type Classified = { code: 'timeout' | 'network'; retriable: boolean; what: string }

const errorCode = (e: unknown): string | undefined => {
  if (typeof e !== 'object' || e === null) return undefined
  const code = (e as { code?: unknown }).code
  if (typeof code === 'string') return code
  const cause = (e as { cause?: unknown }).cause
  return cause === undefined ? undefined : errorCode(cause)
}

const RETRIABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
])

/** Turns what undici/node threw into our words; unknown errors are network errors that are not retried. */
export const classifyError = (
  e: unknown,
  limits: { connectTimeoutMs: number; headersTimeoutMs: number; idleTimeoutMs: number },
): Classified => {
  const code = errorCode(e)
  const msg = e instanceof Error ? e.message : String(e)
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return {
        code: 'timeout',
        retriable: true,
        what: `could not connect within ${formatMs(limits.connectTimeoutMs)}`,
      }
    case 'UND_ERR_HEADERS_TIMEOUT':
      return {
        code: 'timeout',
        retriable: true,
        what: `no response headers within ${formatMs(limits.headersTimeoutMs)}`,
      }
    case 'UND_ERR_BODY_TIMEOUT':
      return {
        code: 'timeout',
        retriable: true,
        what: `no data for ${formatMs(limits.idleTimeoutMs)} (idle timeout)`,
      }
    case 'ECONNREFUSED':
      return { code: 'network', retriable: true, what: 'connection refused' }
    case 'ECONNRESET':
      return { code: 'network', retriable: true, what: 'connection reset by the server' }
    case 'UND_ERR_SOCKET':
      return { code: 'network', retriable: true, what: 'the server closed the connection' }
    case 'ENOTFOUND':
      return { code: 'network', retriable: false, what: 'host name not found' }
    default:
      if (code !== undefined && RETRIABLE_NETWORK.has(code))
        return { code: 'network', retriable: true, what: `${code}: ${msg}` }
      return { code: 'network', retriable: false, what: code ? `${code}: ${msg}` : msg }
  }
}
