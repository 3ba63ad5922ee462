import type { EnrichmentSettings } from '#shared/contract/enrichment.schemas'
import { isProviderError, type LookupSubject, type ProviderAnswer } from '../provider-types'
import type { BoundNetwork } from './engine-types'
import { scrubKey, UnreachableError, type ProviderHttpClient } from './http-client'
import type { CacheEntry } from './response-cache'

/** A network provider's answer, ready to store (raw without the key, URL redacted). */
export type NetworkAnswer = {
  answer: ProviderAnswer
  raw: string
  url: string | null
  statusCode: number
  source: string
}

/** How a failed request is handled by the queue. */
export type LookupFailure =
  /** Ask again at `retryAfterMs` from now (rate-limited with Retry-After) or after backoff; not an attempt. */
  | { kind: 'wait'; message: string; retryAfterMs?: number }
  /** Counts as an attempt; after the last one the row fails. */
  | { kind: 'retry'; message: string }
  | { kind: 'fail'; message: string }

export const failureOf = (e: unknown, key: string | null): LookupFailure => {
  if (e instanceof UnreachableError)
    return { kind: 'wait', message: `network unreachable, waiting: ${scrubKey(e.message, key)}` }
  if (isProviderError(e)) {
    const message = scrubKey(e.message, key)
    switch (e.code) {
      case 'rate-limited':
        return { kind: 'wait', message, retryAfterMs: e.retryAfterMs }
      case 'unavailable':
      case 'timeout':
        return { kind: 'retry', message }
      case 'auth':
      case 'bad-response':
      case 'too-large':
        return { kind: 'fail', message }
    }
  }
  const text = e instanceof Error ? e.message : String(e)
  return {
    kind: 'fail',
    message: `the answer could not be read: ${scrubKey(text, key).slice(0, 300)}`,
  }
}

const originOf = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/**
 * Asks one network provider about one value: builds the request (with the key, in the main process only),
 * sends it through the engine's HTTP client and maps the reply. Throws what failureOf classifies.
 */
export const askNetwork = async (
  p: BoundNetwork,
  s: LookupSubject,
  deps: {
    client: ProviderHttpClient
    key: string | null
    baseUrl: string
    rdapBase?: (s: LookupSubject) => string | null
    signal: AbortSignal
  },
): Promise<NetworkAnswer> => {
  if (p.kind === 'direct') {
    const out = await p.lookup(s, deps.signal)
    return {
      answer: out.answer,
      raw: JSON.stringify(out.raw),
      url: null,
      statusCode: 0,
      source: p.source(),
    }
  }
  const call = p.http.request(s, { key: deps.key, baseUrl: deps.baseUrl, rdapBase: deps.rdapBase })
  const reply = await deps.client.send(call, {
    notFoundStatuses: p.http.notFoundStatuses,
    key: deps.key,
    signal: deps.signal,
  })
  const answer = p.http.parse({ status: reply.status, json: reply.json, headers: reply.headers }, s)
  return {
    answer,
    raw: scrubKey(reply.text, deps.key),
    url: scrubKey(reply.url, deps.key),
    statusCode: reply.status,
    source: originOf(reply.url),
  }
}

/** A cached answer, read again through the provider's mapping (the mapping may have improved since). */
export const fromCache = (p: BoundNetwork, s: LookupSubject, e: CacheEntry): NetworkAnswer => {
  if (p.kind === 'direct') {
    const stored = JSON.parse(e.body ?? 'null') as { answer: ProviderAnswer; raw: unknown }
    return {
      answer: stored.answer,
      raw: JSON.stringify(stored.raw),
      url: null,
      statusCode: 0,
      source: p.source(),
    }
  }
  const json: unknown = e.body === null || e.body === '' ? null : JSON.parse(e.body)
  return {
    answer: p.http.parse({ status: e.status_code, json, headers: {} }, s),
    raw: e.body ?? '',
    url: e.url,
    statusCode: e.status_code,
    source: e.url === null ? p.http.baseUrl : originOf(e.url),
  }
}

/** What the cache keeps of an answer: HTTP the body as received, DNS the answer and raw we wrote. */
export const cacheBodyOf = (p: BoundNetwork, a: NetworkAnswer): string =>
  p.kind === 'direct'
    ? JSON.stringify({ answer: a.answer, raw: JSON.parse(a.raw) as unknown })
    : a.raw

export const lookupKeyOf = (p: BoundNetwork, s: LookupSubject): string =>
  p.kind === 'direct' ? p.lookupKey(s) : p.http.lookupKey(s)

export const expiryOf = (settings: EnrichmentSettings, p: BoundNetwork, now: Date): string =>
  new Date(now.getTime() + settings.providers[p.id].cacheTtlHours * 3_600_000).toISOString()
