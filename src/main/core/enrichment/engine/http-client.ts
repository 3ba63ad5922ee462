import { request as undiciRequest } from 'undici'
import { AppError } from '#shared/contract/errors'
import {
  fetchFeed,
  isFeedFetchError,
  type FeedFetchError,
  type FetchLimits,
  type TargetPolicy,
} from '#core/feeds/http/fetcher'
import { redactUrl } from '#core/feeds/http/fetch-error'
import { parseRetryAfter } from '#core/feeds/http/retry'
import type { Clock } from '#core/platform/clock'
import type { Logger } from '#core/platform/logger'
import { ProviderError, type HttpCall, type HttpReply } from '../provider-types'

const KiB = 1024

/** A provider's answer is a small JSON document: tight bounds, and no retries here (the queue retries). */
export const PROVIDER_FETCH_LIMITS: Partial<FetchLimits> = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 15_000,
  idleTimeoutMs: 15_000,
  totalTimeoutMs: 30_000,
  maxRedirects: 3,
  maxResponseBytes: 2048 * KiB,
  maxDecompressedBytes: 8192 * KiB,
  retries: 0,
}

/** Errors that mean the machine has no way out right now: the request waits as if offline mode were on. */
const UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
])

/** The network is unreachable (no DNS, no route): the queue keeps the request instead of spending attempts. */
export class UnreachableError extends ProviderError {
  constructor(message: string) {
    super('unavailable', message)
    this.name = 'UnreachableError'
  }
}

export type ProviderResponse = HttpReply & {
  /** The body as received (for the raw kept for audit; may be empty for a not-found status). */
  text: string
  /** The URL as it may be stored: the key removed. */
  url: string
}

export type ProviderHttpClient = {
  send: (
    call: HttpCall,
    opts: { notFoundStatuses: readonly number[]; key: string | null; signal?: AbortSignal },
  ) => Promise<ProviderResponse>
  /** A plain JSON GET (the RDAP bootstrap files): the same limits and target policy, a larger size cap. */
  getJson: (url: string, signal?: AbortSignal, maxBytes?: number) => Promise<unknown>
  /** The same, answering the body as text (a caller that checks and keeps the file as received). */
  getText: (url: string, maxBytes?: number, signal?: AbortSignal) => Promise<string>
}

const errnoOf = (e: unknown): string | undefined => {
  for (let c: unknown = e, depth = 0; c !== null && typeof c === 'object' && depth < 5; depth++) {
    const code = (c as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('E')) return code
    c = (c as { cause?: unknown }).cause
  }
  return undefined
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host)

/** Removes the key wherever a message might repeat it (a server echoing the URL, say). */
export const scrubKey = (text: string, key: string | null): string =>
  key !== null && key.length >= 4 ? text.split(key).join('[redacted]') : text

/**
 * The engine's one HTTP client: fetchFeed (timeouts, size caps, redirects, the target policy of
 * fetchAllowedHosts) with the bounds of PROVIDER_FETCH_LIMITS, its errors mapped to ProviderError codes the
 * queue decides on: 429 → rate-limited (with Retry-After), 401/403 → auth, 5xx and timeouts → unavailable
 * or timeout, garbage → bad-response, too big → too-large.
 */
export const createProviderHttpClient = (deps: {
  logger: Logger
  clock: Clock
  version: string
  allowedHosts: () => Promise<readonly string[]>
  limits?: Partial<FetchLimits>
}): ProviderHttpClient => {
  const limits = { ...PROVIDER_FETCH_LIMITS, ...deps.limits }

  const fetchText = async (
    url: string,
    headers: Record<string, string>,
    notFound: readonly number[],
    signal: AbortSignal | undefined,
    maxBytes: number,
  ) => {
    // fetchFeed answers errors in words; the status, its Retry-After and the errno come from the wire.
    const seen: { status?: number; retryAfter?: string; errno?: string } = {}
    const fetchImpl: typeof undiciRequest = async (...args) => {
      try {
        const res = await undiciRequest(...args)
        seen.status = res.statusCode
        const ra = res.headers['retry-after']
        seen.retryAfter = Array.isArray(ra) ? ra[0] : ra
        return res
      } catch (e) {
        seen.errno = errnoOf(e)
        throw e
      }
    }
    const targets: TargetPolicy = { allowedHosts: await deps.allowedHosts() }
    try {
      const r = await fetchFeed(
        {
          url,
          headers,
          accept: ['application/json', 'application/rdap+json'],
          expect: 'json',
          limits: { ...limits, maxResponseBytes: maxBytes },
          signal,
          fetchImpl,
        },
        { logger: deps.logger, clock: deps.clock, version: deps.version, targets },
      )
      if (r.status === 'not-modified')
        throw new ProviderError(
          'bad-response',
          `${redactUrl(url)} answered 304 to a request without a validator.`,
        )
      const chunks: Buffer[] = []
      for await (const c of r.body) chunks.push(Buffer.from(c))
      return { status: 200, text: Buffer.concat(chunks).toString('utf8'), headers: r.headers }
    } catch (e) {
      if (!isFeedFetchError(e)) throw e
      if (seen.status !== undefined && notFound.includes(seen.status))
        return { status: seen.status, text: '', headers: {} }
      throw mapError(e, url, seen)
    }
  }

  const mapError = (
    e: FeedFetchError,
    url: string,
    seen: { status?: number; retryAfter?: string; errno?: string },
  ): ProviderError => {
    const status = e.details.status ?? seen.status
    const msg = e.message
    switch (e.code) {
      case 'http-status':
        if (status === 429) {
          const wait = parseRetryAfter(seen.retryAfter, deps.clock.now())
          return new ProviderError('rate-limited', msg, wait ?? undefined)
        }
        if (status === 401 || status === 403)
          return new ProviderError('auth', `${msg} Check the provider's API key.`)
        if (status !== undefined && status >= 500) return new ProviderError('unavailable', msg)
        return new ProviderError('bad-response', msg)
      case 'timeout':
        return new ProviderError('timeout', msg)
      case 'too-large':
      case 'bomb':
        return new ProviderError('too-large', msg)
      case 'network':
      case 'truncated': {
        const host = new URL(url).hostname
        if (seen.errno !== undefined && UNREACHABLE.has(seen.errno) && !isLoopback(host))
          return new UnreachableError(msg)
        return new ProviderError('unavailable', msg)
      }
      case 'forbidden-target':
        return new ProviderError(
          'auth',
          `${msg} (the fetchAllowedHosts setting decides where requests may go)`,
        )
      case 'content-type':
      case 'captive-portal':
      case 'redirect-loop':
        return new ProviderError('bad-response', msg)
      case 'cancelled':
        return new ProviderError('unavailable', msg)
    }
  }

  const parseJson = (text: string, url: string): unknown => {
    if (text.trim() === '') return null
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new ProviderError('bad-response', `${url} answered with a body that is not JSON.`)
    }
  }

  return {
    send: async (call, opts) => {
      const shown = call.redactedUrl ?? redactUrl(call.url)
      if ((call.method ?? 'GET') !== 'GET')
        throw new ProviderError(
          'bad-response',
          `${shown}: only GET requests are sent to providers.`,
        )
      try {
        const r = await fetchText(
          call.url,
          call.headers ?? {},
          opts.notFoundStatuses,
          opts.signal,
          limits.maxResponseBytes ?? 2048 * KiB,
        )
        return {
          status: r.status,
          json: parseJson(r.text, shown),
          headers: r.headers,
          text: r.text,
          url: shown,
        }
      } catch (e) {
        if (e instanceof ProviderError) {
          const clean = scrubKey(e.message, opts.key).split(redactUrl(call.url)).join(shown)
          if (clean === e.message) throw e
          if (e instanceof UnreachableError) throw new UnreachableError(clean)
          throw new ProviderError(e.code, clean, e.retryAfterMs)
        }
        throw e
      }
    },
    getText: async (url, maxBytes = 8192 * KiB, signal) => {
      try {
        return (await fetchText(url, {}, [], signal, maxBytes)).text
      } catch (e) {
        if (e instanceof ProviderError)
          throw new AppError('upstream_failed', `${redactUrl(url)}: ${e.message}`, {
            reason: e.code,
          })
        throw e
      }
    },
    getJson: async (url, signal, maxBytes = 8192 * KiB) => {
      const r = await fetchText(url, {}, [], signal, maxBytes)
      return parseJson(r.text, redactUrl(url))
    },
  }
}
