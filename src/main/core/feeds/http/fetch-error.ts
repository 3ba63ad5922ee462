import { AppError, type ErrorCode, type RpcError } from '#shared/contract/errors'

export const FEED_FETCH_ERROR_CODES = [
  'timeout',
  'too-large',
  'bomb',
  'http-status',
  'content-type',
  'captive-portal',
  'redirect-loop',
  'network',
  'truncated',
  'cancelled',
  'forbidden-target',
] as const
export type FeedFetchErrorCode = (typeof FEED_FETCH_ERROR_CODES)[number]

export type FeedFetchErrorDetails = {
  /** Redacted (no userinfo, no secret-looking query values). */
  url?: string
  status?: number
  attempts?: number
  bytesIn?: number
  /** forbidden-target: the host, the address it resolved to and that address's range. */
  host?: string
  address?: string
  range?: string
}

/**
 * Why a download failed. Not an AppError subclass because its `code` is the transport's own vocabulary
 * (the engine records it on the run); `toAppError()` gives the contract's error when it crosses a transport.
 */
export class FeedFetchError extends Error {
  readonly code: FeedFetchErrorCode
  readonly details: FeedFetchErrorDetails

  constructor(code: FeedFetchErrorCode, message: string, details: FeedFetchErrorDetails = {}) {
    super(message)
    this.name = 'FeedFetchError'
    this.code = code
    this.details = details
  }

  get appCode(): ErrorCode {
    if (this.code === 'cancelled') return 'cancelled'
    if (this.code === 'too-large' || this.code === 'bomb') return 'payload_too_large'
    if (this.code === 'forbidden-target') return 'fetch_target_forbidden'
    return 'upstream_failed'
  }

  toAppError(): AppError {
    return new AppError(this.appCode, this.message, { reason: this.code, ...this.details })
  }

  toJSON(): RpcError {
    return this.toAppError().toJSON()
  }
}

export const isFeedFetchError = (e: unknown): e is FeedFetchError => e instanceof FeedFetchError

const SECRET_PARAM = /pass(word)?|secret|token|api[-_]?key|^key$|auth|sig(nature)?|credential/i

/** A URL safe for logs and messages: no userinfo, secret-looking query values masked. */
export const redactUrl = (url: string | URL): string => {
  let u: URL
  try {
    u = new URL(String(url))
  } catch {
    return '[invalid url]'
  }
  u.username = ''
  u.password = ''
  for (const key of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) u.searchParams.set(key, 'redacted')
  }
  return u.toString()
}

// C0/C1 controls and the bidi overrides that could make a message read differently from what it says.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * Server-provided text (an error body, a page title) reduced to one plain line: tags dropped, entities left
 * as typed, controls removed, length capped. The result is quoted so it can never pass for our own words,
 * and it is only ever shown as text.
 */
export const sanitiseSnippet = (text: string, max = 200): string => {
  const plain = text
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]{0,500}>/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ' ')
    .replace(UNSAFE_CHARS, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  const cut = plain.length > max ? `${plain.slice(0, max - 1)}…` : plain
  return JSON.stringify(cut)
}

export const formatBytes = (n: number): string => {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 / 1024 / 1024).toFixed(1)} GiB`
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}

export const formatMs = (ms: number): string =>
  ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`
