import type {
  EnrichmentFinding,
  PivotKind,
  ProviderId,
  ProviderSettings,
} from '#shared/contract/enrichment.schemas'
import type { Reliability } from '#core/feeds/engine/engine-types'
import type { IocType, Tlp } from '#shared/domain/enums'

/**
 * The one interface every enrichment provider implements (issue 12). A provider is a small module: what it
 * accepts, its defaults (TLP ceiling, the documented free-tier rate limit, cache TTL), and a mapping from its
 * answer to the normalised finding. The engine (src/main/core/enrichment/engine) owns everything around it:
 * the TLP gate, budgets, the cache, retries with backoff, Retry-After, timeouts and size caps, the offline
 * queue and persistence. A provider never fetches by itself, so none of that can be skipped by one.
 *
 * Fact keys are a vocabulary the score, the pivots and the map read; a provider uses these where they apply:
 * - geoip: country (ISO alpha-2), countryName, region, city, latitude, longitude, timeZone
 * - asn: asn (number), asOrg, network (CIDR or "a - b" range), hostingKind ('hosting' | 'bulletproof'),
 *   hostingSource (where the hosting list says so)
 * - rdap: registrar, registrantOrg, createdAt, expiresAt, domainAgeDays, network, networkName
 * - dns: a, aaaa, cname, mx, ns, txt (comma-joined)
 * - virustotal: detections ("45/70"), malicious, suspicious, harmless, undetected, reputation
 * - abuseipdb: abuseConfidenceScore, totalReports, isp, usageType, isTor
 * - otx: pulseCount, malwareFamilies
 * - shodan: ports, vulns, org, os, hostnames
 * - local: seenBefore, feeds, reports, incidents
 * - warninglists: lists (names), hits
 */

/** What a provider is asked about. */
export type LookupSubject = {
  indicatorId: string
  type: IocType
  /** Canonical value as stored (lower-case domain, compressed IPv6 ...). */
  value: string
  tlp: Tlp
}

/** A key another indicator may share (pivots, the world map). */
export type PivotKey = { kind: PivotKind; value: string }

/** A provider's normalised answer. */
export type ProviderAnswer = {
  finding: EnrichmentFinding
  keys: PivotKey[]
}

/** What every provider declares. */
type ProviderBase = {
  id: ProviderId
  label: string
  accepts: readonly IocType[]
  /** The admiralty grade of its answers. */
  reliability: Reliability
  /** Enabled, TLP ceiling, rate limit (the documented free tier) and cache TTL, before the analyst's settings. */
  defaults: ProviderSettings
  /** Where the defaults come from (the provider's documentation of its limits and terms). */
  docsUrl: string | null
  /**
   * Null when the value may be asked; otherwise why not, in words (a private address, a reserved name): the
   * result is skipped as 'not-applicable' instead of spending budget on a question with no answer.
   */
  notApplicable?(s: LookupSubject): string | null
}

/** Environment of a local lookup: what the engine opened once (data files, the database, the lists). */
export type LocalProvider<Env> = ProviderBase & {
  kind: 'local'
  /** Where its data comes from (file and build date), for the panel and the settings view. */
  source(env: Env): string
  /** Synchronous: local enrichment runs inline at tens of thousands of indicators a second. */
  lookup(s: LookupSubject, env: Env): { answer: ProviderAnswer; raw: unknown } | null
}

/** One HTTP request a network provider wants sent. */
export type HttpCall = {
  url: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  /** Form or JSON body for POST. */
  body?: string
  /** The URL as it may be stored and shown: the key removed (a key in a query string, say). */
  redactedUrl?: string
}

/** The reply the engine hands back to parse: only 2xx or one of the provider's notFoundStatuses. */
export type HttpReply = {
  status: number
  /** The parsed JSON body, or null when it was empty. Garbage never reaches parse: the engine fails it. */
  json: unknown
  headers: Record<string, string>
}

/** What request() may read: the key (from the secret store), the service's base URL, the RDAP bootstrap. */
export type HttpEnv = {
  key: string | null
  /** The documented base URL, or the one createCore was given (tests point it at 127.0.0.1). */
  baseUrl: string
  /** RDAP only: the base URL that serves this value per IANA's bootstrap; null when none does. */
  rdapBase?: (s: LookupSubject) => string | null
}

export type HttpProvider = ProviderBase & {
  kind: 'http'
  needsKey: boolean
  /** The documented base URL (https://www.virustotal.com/api/v3 ...). */
  baseUrl: string
  /** Statuses that are an answer ("not known to this service"), passed to parse like a 200. */
  notFoundStatuses: readonly number[]
  /** The cache key: two indicators with the same key share one answer (usually type:value). */
  lookupKey(s: LookupSubject): string
  request(s: LookupSubject, env: HttpEnv): HttpCall
  /** Maps the reply; throws ProviderError('bad-response', …) for a reply it cannot read. */
  parse(reply: HttpReply, s: LookupSubject): ProviderAnswer
}

/** A network provider that is not HTTP (DNS). */
export type DirectProvider<Env> = ProviderBase & {
  kind: 'direct'
  needsKey: false
  lookupKey(s: LookupSubject): string
  /** Where it asks (the resolvers), for the panel. */
  source(env: Env): string
  lookup(
    s: LookupSubject,
    env: Env,
    signal: AbortSignal,
  ): Promise<{ answer: ProviderAnswer; raw: unknown }>
}

export type NetworkProvider<Env = unknown> = HttpProvider | DirectProvider<Env>
export type AnyProvider<LocalEnv = unknown, DirectEnv = unknown> =
  LocalProvider<LocalEnv> | HttpProvider | DirectProvider<DirectEnv>

/**
 * Why a lookup failed, in the terms the engine decides on: retry later (unavailable, rate-limited), give up
 * (auth, bad-response, too-large).
 */
export type ProviderErrorCode =
  'unavailable' | 'rate-limited' | 'auth' | 'bad-response' | 'too-large' | 'timeout'

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    /** For rate-limited: how long the service asked us to wait (Retry-After), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message)
    this.name = 'ProviderError'
  }
}

export const isProviderError = (e: unknown): e is ProviderError => e instanceof ProviderError
