import type { Dispatcher, request } from 'undici'
import type { Clock } from '#core/platform/clock'
import type { Logger } from '#core/platform/logger'
import type { TargetPolicy } from './fetch-targets'

const MiB = 1024 * 1024

/** Every bound on one download. All overridable so tests can use small values. */
export type FetchLimits = {
  connectTimeoutMs: number
  /** From sending the request to the end of the response headers. */
  headersTimeoutMs: number
  /** Longest silence between two body chunks (undici's bodyTimeout). */
  idleTimeoutMs: number
  /** The whole download, redirects, retries and body included. */
  totalTimeoutMs: number
  maxRedirects: number
  /** Bytes on the wire (compressed). */
  maxResponseBytes: number
  /** Bytes after Content-Encoding and .gz/.zip decoding. */
  maxDecompressedBytes: number
  /** Extra attempts after the first (so 3 = up to 4 requests). */
  retries: number
  backoffBaseMs: number
  /** A 429 asking for a longer wait than this fails instead of waiting. */
  maxRetryAfterMs: number
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  totalTimeoutMs: 10 * 60_000,
  maxRedirects: 5,
  maxResponseBytes: 512 * MiB,
  maxDecompressedBytes: 2048 * MiB,
  retries: 3,
  backoffBaseMs: 500,
  maxRetryAfterMs: 5 * 60_000,
}

export type FeedAuth =
  | { kind: 'header'; name: string; value: string }
  | { kind: 'basic'; username: string; password: string }

/** What the body is supposed to be; drives content sniffing (captive portals, wrong types). */
export type FetchExpect = 'text' | 'json' | 'csv' | 'binary' | 'taxii'

export type FetchRequest = {
  url: string
  headers?: Record<string, string>
  auth?: FeedAuth
  etag?: string | null
  lastModified?: string | null
  accept?: string[]
  expect: FetchExpect
  limits?: Partial<FetchLimits>
  signal?: AbortSignal
  /** Picks the entry of a zipped body (default: the first file that is not a directory or macOS metadata). */
  zipEntry?: (name: string) => boolean
  /** undici's `request`, injectable (e.g. to add a proxy dispatcher); the default is undici's own. */
  fetchImpl?: typeof request
  /**
   * Used instead of the per-download Agent (then connectTimeoutMs is the dispatcher's business, and of a
   * target policy only the check of IP literals and localhost applies).
   */
  dispatcher?: Dispatcher
  /**
   * The origins (scheme://host:port) that may receive the auth and credential headers, on the first request
   * and after redirects. Default: the URL's own origin. A client that follows URLs a server names (TAXII)
   * gives its feed's origin here, so a URL on another origin gets no credentials.
   */
  credentialOrigins?: readonly string[]
}

export type FetchDeps = {
  logger: Logger
  clock: Clock
  /** Waits between retries; must reject promptly when the signal aborts. Tests inject a recorder. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Jitter source in [0, 1); tests may pin it. */
  random?: () => number
  /** App version for the User-Agent (`ThreatEye/<version>`). */
  version?: string
  /** Restricts where the download may connect (a URL an API caller gave); absent: anywhere. */
  targets?: TargetPolicy
}

export type FetchOk = {
  status: 'ok'
  /** Decompressed, size-capped; a failure mid-stream is thrown from the iterator as a FeedFetchError. */
  body: AsyncIterable<Uint8Array>
  etag?: string
  lastModified?: string
  contentType?: string
  /** Response headers of the final response, lower-case names. */
  headers: Record<string, string>
  /** Compressed bytes received so far (progress events). */
  bytesIn(): number
  /** Final URL after redirects (redacted: it may reach logs and run history). */
  url: string
}

export type FetchResult = FetchOk | { status: 'not-modified' }
