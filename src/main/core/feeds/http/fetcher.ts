import { Agent, request as undiciRequest, type Dispatcher } from 'undici'
import { peekBytes } from '../decode/byte-streams'
import { decodeStream } from '../decode/decode'
import { FeedFetchError, formatBytes, formatMs, isFeedFetchError, redactUrl } from './fetch-error'
import { guardedConnector, precheckUrl } from './fetch-targets'
import {
  DEFAULT_FETCH_LIMITS,
  type FetchDeps,
  type FetchLimits,
  type FetchRequest,
  type FetchResult,
} from './fetch-types'
import {
  decodeContent,
  discard,
  flatHeaders,
  header,
  statusText,
  wireStream,
  type WireCounter,
} from './response-body'
import { abortableSleep, backoffMs, classifyError, parseRetryAfter } from './retry'
import { SNIFF_BYTES, sniffBody } from './sniff'

export { FeedFetchError, isFeedFetchError } from './fetch-error'
export type { FeedFetchErrorCode } from './fetch-error'
export { DEFAULT_FETCH_LIMITS } from './fetch-types'
export type { TargetPolicy } from './fetch-targets'
export type {
  FeedAuth,
  FetchDeps,
  FetchExpect,
  FetchLimits,
  FetchOk,
  FetchRequest,
  FetchResult,
} from './fetch-types'

/** Thrown inside one attempt when another attempt may succeed (5xx, 429, network trouble before the body). */
class Retriable extends Error {
  constructor(
    readonly error: FeedFetchError,
    readonly waitMs?: number,
  ) {
    super(error.message)
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const RETRIABLE_ON_HEAD = new Set<FeedFetchError['code']>(['network', 'timeout', 'truncated'])
// Headers that identify the caller: never sent to another origin after a redirect.
const CREDENTIAL_HEADER = /^(authorization|cookie|proxy-authorization)$|key|token|secret|auth/i

const parseHttpUrl = (raw: string): URL => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new FeedFetchError('network', `Not a valid URL: ${redactUrl(raw)}.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FeedFetchError(
      'network',
      `Only http and https URLs can be downloaded, not ${url.protocol} (${redactUrl(url)}).`,
    )
  return url
}

/** Origins credentials may go to: those the caller names (a TAXII feed's), else the request's own. */
const credentialOriginsOf = (req: FetchRequest, start: URL): Set<string> => {
  if (req.credentialOrigins === undefined) return new Set([start.origin])
  const origins = new Set<string>()
  for (const o of req.credentialOrigins) {
    try {
      origins.add(new URL(o).origin)
    } catch {
      // The contract validates them; a stray one simply grants nothing.
    }
  }
  return origins
}

const buildHeaders = (
  req: FetchRequest,
  sameOrigin: boolean,
  version: string,
): Record<string, string> => {
  const h: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (sameOrigin || !CREDENTIAL_HEADER.test(k)) h[k.toLowerCase()] = v
  }
  h['user-agent'] = `ThreatEye/${version}`
  h['accept-encoding'] = 'gzip, deflate, br'
  if (req.accept?.length) h['accept'] = req.accept.join(', ')
  if (req.etag) h['if-none-match'] = req.etag
  if (req.lastModified) h['if-modified-since'] = req.lastModified
  if (sameOrigin && req.auth?.kind === 'header') h[req.auth.name.toLowerCase()] = req.auth.value
  if (sameOrigin && req.auth?.kind === 'basic')
    h['authorization'] =
      `Basic ${Buffer.from(`${req.auth.username}:${req.auth.password}`, 'utf8').toString('base64')}`
  return h
}

/**
 * Downloads a feed with every bound of FetchLimits, following redirects by hand, retrying what is worth
 * retrying, and sniffing the first bytes so a login page or the wrong format fails before any parsing.
 * The returned body must be consumed or returned (break out of for-await); both release the connection.
 */
export const fetchFeed = async (req: FetchRequest, deps: FetchDeps): Promise<FetchResult> => {
  const limits: FetchLimits = { ...DEFAULT_FETCH_LIMITS, ...req.limits }
  const sleep = deps.sleep ?? abortableSleep
  const random = deps.random ?? Math.random
  const requestImpl = req.fetchImpl ?? undiciRequest
  const startUrl = parseHttpUrl(req.url)
  const mayCredential = credentialOriginsOf(req, startUrl)
  const label = redactUrl(startUrl)
  const log = deps.logger.child({ feedUrl: label })

  const controller = new AbortController()
  const cancelled = (): FeedFetchError =>
    new FeedFetchError('cancelled', `Download of ${label} was cancelled.`, { url: label })
  if (req.signal?.aborted) throw cancelled()
  // Aborting also releases the connection, in case the caller holds a body it never iterates.
  const onCallerAbort = (): void => {
    controller.abort(cancelled())
    release()
  }
  req.signal?.addEventListener('abort', onCallerAbort, { once: true })
  const timer = setTimeout(() => {
    controller.abort(
      new FeedFetchError(
        'timeout',
        `Download of ${label} did not finish within ${formatMs(limits.totalTimeoutMs)} (total timeout).`,
        { url: label },
      ),
    )
    release()
  }, limits.totalTimeoutMs)
  const agent: Dispatcher =
    req.dispatcher ??
    new Agent({
      // Restricted downloads judge every address at connect time, for every hop (see fetch-targets.ts).
      connect: deps.targets
        ? guardedConnector(deps.targets, { timeout: limits.connectTimeoutMs })
        : { timeout: limits.connectTimeoutMs },
      headersTimeout: limits.headersTimeoutMs,
      bodyTimeout: limits.idleTimeoutMs,
    })
  let released = false
  const release = (): void => {
    if (released) return
    released = true
    clearTimeout(timer)
    req.signal?.removeEventListener('abort', onCallerAbort)
    if (!req.dispatcher) agent.destroy().catch(() => undefined)
  }
  // We only ever abort with a FeedFetchError; anything else (a foreign reason) still reads as a cancel.
  const abortReason = (): FeedFetchError | undefined => {
    if (!controller.signal.aborted) return undefined
    const reason: unknown = controller.signal.reason
    return reason instanceof FeedFetchError ? reason : cancelled()
  }
  const counter: WireCounter = { bytes: 0 }

  /** One attempt: the redirect chain, then the status, then the head of the body. */
  const attempt = async (): Promise<FetchResult> => {
    let url = startUrl
    const visited = new Set([url.href])
    for (let redirects = 0; ;) {
      const here = redactUrl(url)
      // Literals are refused before any request, also when the caller brought its own dispatcher.
      const refused = deps.targets ? precheckUrl(deps.targets, url) : undefined
      if (refused) throw refused
      let res: Dispatcher.ResponseData
      try {
        res = await requestImpl(url, {
          method: 'GET',
          headers: buildHeaders(req, mayCredential.has(url.origin), deps.version ?? 'dev'),
          dispatcher: agent,
          signal: controller.signal,
          headersTimeout: limits.headersTimeoutMs,
          bodyTimeout: limits.idleTimeoutMs,
        })
      } catch (e) {
        const reason = abortReason()
        if (reason !== undefined) throw reason
        // The connect-time target check: final, not worth retrying.
        if (isFeedFetchError(e)) throw e
        const c = classifyError(e, limits)
        const error = new FeedFetchError(c.code, `${here}: ${c.what}.`, { url: here })
        throw c.retriable ? new Retriable(error) : error
      }
      const status = res.statusCode
      if (REDIRECTS.has(status)) {
        const location = header(res.headers, 'location')
        discard(res.body)
        if (!location)
          throw new FeedFetchError(
            'http-status',
            `${here} answered ${statusText(status)} without a Location header.`,
            { url: here, status },
          )
        let next: URL
        try {
          next = new URL(location, url)
        } catch {
          throw new FeedFetchError('http-status', `${here} redirected to an invalid URL.`, {
            url: here,
            status,
          })
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:')
          throw new FeedFetchError(
            'http-status',
            `${here} redirected to a ${next.protocol} URL; only http and https redirects are followed.`,
            { url: here, status },
          )
        if (visited.has(next.href))
          throw new FeedFetchError(
            'redirect-loop',
            `${label} redirects in a loop (back to ${redactUrl(next)}).`,
            { url: label, status },
          )
        redirects += 1
        if (redirects > limits.maxRedirects)
          throw new FeedFetchError(
            'redirect-loop',
            `${label} redirected more than ${limits.maxRedirects} times (last to ${redactUrl(next)}).`,
            { url: label, status },
          )
        visited.add(next.href)
        log.debug('feed fetch redirected', { status, to: redactUrl(next) })
        url = next
        continue
      }
      if (status === 304) {
        discard(res.body)
        return { status: 'not-modified' }
      }
      if (status < 200 || status > 299) {
        // The body is not quoted: over the API it would let a caller read pages through our errors.
        discard(res.body)
        const what = `${here} answered ${statusText(status)}`
        if (status === 429) {
          const retryAfter = header(res.headers, 'retry-after')
          const waitMs = parseRetryAfter(retryAfter, deps.clock.now())
          if (waitMs !== null && waitMs > limits.maxRetryAfterMs)
            throw new FeedFetchError(
              'http-status',
              `${what}. The server asks to retry after ${formatMs(waitMs)}, longer than the ${formatMs(limits.maxRetryAfterMs)} we wait; try again later.`,
              { url: here, status },
            )
          throw new Retriable(
            new FeedFetchError('http-status', `${what}.`, { url: here, status }),
            waitMs ?? undefined,
          )
        }
        const error = new FeedFetchError('http-status', `${what}.`, { url: here, status })
        throw status >= 500 ? new Retriable(error) : error
      }
      return openBody(res, url)
    }
  }

  const openBody = async (res: Dispatcher.ResponseData, url: URL): Promise<FetchResult> => {
    const here = redactUrl(url)
    const declared = header(res.headers, 'content-length')
    if (declared !== undefined && Number(declared) > limits.maxResponseBytes) {
      discard(res.body)
      throw new FeedFetchError(
        'too-large',
        `${here} announces ${formatBytes(Number(declared))}, more than the ${formatBytes(limits.maxResponseBytes)} limit.`,
        {
          url: here,
        },
      )
    }
    counter.bytes = 0
    const wire = wireStream({
      body: res.body,
      headers: res.headers,
      limits,
      counter,
      label: here,
      abortReason,
    })
    const cap = limits.maxDecompressedBytes
    const content = decodeContent(wire, res.headers, cap, here)
    const decoded =
      req.expect === 'binary'
        ? decodeStream(content, { encoding: 'none', maxDecompressedBytes: cap, label: here })
        : decodeStream(content, {
            encoding: 'auto',
            maxDecompressedBytes: cap,
            zipEntry: req.zipEntry,
            label: here,
          })
    let peeked: Awaited<ReturnType<typeof peekBytes>>
    try {
      peeked = await peekBytes(decoded, SNIFF_BYTES)
    } catch (e) {
      const reason = abortReason()
      if (reason !== undefined) throw reason
      // Nothing has reached the consumer yet, so a transport failure here is as retriable as before the headers.
      if (isFeedFetchError(e) && RETRIABLE_ON_HEAD.has(e.code)) throw new Retriable(e)
      throw e
    }
    const contentType = header(res.headers, 'content-type')
    const verdict = sniffBody({ head: peeked.head, contentType, expect: req.expect, url: here })
    if ('error' in verdict) {
      await peeked.stream[Symbol.asyncIterator]().return?.()
      throw verdict.error
    }
    if (verdict.warning) log.warn('feed content type mismatch', { reason: verdict.warning })
    const stream = peeked.stream
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of stream) yield chunk
      } catch (e) {
        const reason = abortReason()
        if (reason !== undefined) throw reason
        if (isFeedFetchError(e)) throw e
        throw new FeedFetchError(
          'network',
          `${here}: ${e instanceof Error ? e.message : String(e)}`,
          { url: here, bytesIn: counter.bytes },
        )
      } finally {
        release()
        log.info('feed download closed', { bytesIn: counter.bytes })
      }
    }
    return {
      status: 'ok',
      body: body(),
      etag: header(res.headers, 'etag'),
      lastModified: header(res.headers, 'last-modified'),
      contentType,
      headers: flatHeaders(res.headers),
      bytesIn: () => counter.bytes,
      url: here,
    }
  }

  try {
    for (let n = 0; ; n += 1) {
      try {
        const result = await attempt()
        if (result.status === 'not-modified') {
          release()
          log.info('feed not modified')
        }
        return result
      } catch (e) {
        const reason = abortReason()
        if (reason !== undefined) throw reason
        if (!(e instanceof Retriable)) throw e
        if (n >= limits.retries) {
          const attempts = n + 1
          throw new FeedFetchError(
            e.error.code,
            `${e.error.message} Gave up after ${attempts} attempt${attempts > 1 ? 's' : ''}.`,
            {
              ...e.error.details,
              attempts,
            },
          )
        }
        const waitMs = e.waitMs ?? backoffMs(n, limits.backoffBaseMs, random)
        log.warn('feed fetch failed, retrying', { attempt: n + 1, waitMs, reason: e.error.message })
        try {
          await sleep(waitMs, controller.signal)
        } catch (sleepError) {
          throw (
            abortReason() ??
            (sleepError instanceof Error ? sleepError : new Error(String(sleepError)))
          )
        }
      }
    }
  } catch (e) {
    release()
    throw e
  }
}
