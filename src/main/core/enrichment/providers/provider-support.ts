import { AppError } from '#shared/contract/errors'
import type { EnrichmentFact, EnrichmentLevel } from '#shared/contract/enrichment.schemas'
import { specialRangeOf } from '#core/feeds/http/address-ranges'
import { ProviderError, type LookupSubject, type ProviderAnswer } from '../provider-types'

/**
 * What every network provider's mapping shares: readers that reject a reply of the wrong shape with the
 * field's path in the message (a service's answer is hostile input like a feed's), the bounds the finding
 * schema sets, and the values no outside service may be asked about.
 */

type Json = Record<string, unknown>

const describe = (v: unknown): string => {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return typeof v === 'string' ? 'a string' : typeof v
}

/** Readers bound to a provider's name, so every message says whose answer was wrong and where. */
export const replyReader = (provider: string) => {
  const fail = (field: string, want: string, got: unknown): never => {
    throw new ProviderError(
      'bad-response',
      `${provider}: ${field} should be ${want}, got ${describe(got)}`,
    )
  }
  /** A value of the right type that is still wrong (a 404 body with another error code ...). */
  const mismatch = (field: string, want: string, got: string): never => {
    throw new ProviderError(
      'bad-response',
      `${provider}: ${field} should be ${want}, got ${JSON.stringify(got.slice(0, 80))}`,
    )
  }
  const object = (v: unknown, field: string): Json =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Json)
      : fail(field, 'an object', v)
  const array = (v: unknown, field: string): unknown[] =>
    Array.isArray(v) ? v : fail(field, 'an array', v)
  const num = (v: unknown, field: string): number =>
    typeof v === 'number' && Number.isFinite(v) ? v : fail(field, 'a number', v)
  const str = (v: unknown, field: string): string =>
    typeof v === 'string' ? v : fail(field, 'a string', v)
  const bool = (v: unknown, field: string): boolean =>
    typeof v === 'boolean' ? v : fail(field, 'a boolean', v)
  /** Absent and null read as null; any other value must have the type. */
  const opt =
    <T>(read: (v: unknown, field: string) => T) =>
    (v: unknown, field: string): T | null =>
      v === undefined || v === null ? null : read(v, field)
  const strings = (v: unknown, field: string, max: number): string[] =>
    array(v, field)
      .slice(0, max)
      .map((x, i) => str(x, `${field}[${i}]`))
  return {
    fail,
    mismatch,
    object,
    array,
    num,
    str,
    bool,
    optObject: opt(object),
    optArray: opt(array),
    optNum: opt(num),
    optStr: opt(str),
    optBool: opt(bool),
    strings,
    optStrings: (v: unknown, field: string, max: number): string[] =>
      v === undefined || v === null ? [] : strings(v, field, max),
  }
}

/** Bounds of the finding schema (enrichment.schemas.ts): a long answer is cut, never rejected. */
export const clip = (s: string, max: number): string =>
  s.length > max ? `${s.slice(0, max - 1)}…` : s
const MAX_FACT_TEXT = 2000
const MAX_TAGS = 50
const MAX_TAG = 100
const MAX_SUMMARY = 500

export const fact = (
  key: string,
  label: string,
  value: string | number | boolean | null,
): EnrichmentFact => ({
  key,
  label,
  value: typeof value === 'string' ? clip(value, MAX_FACT_TEXT) : value,
})

/** A list as one fact value, the vocabulary's comma-joined form. */
export const joined = (values: readonly (string | number)[]): string => values.join(', ')

export const tagsOf = (values: Iterable<string>): string[] => {
  const out = new Set<string>()
  for (const v of values) {
    const t = v.trim()
    if (t) out.add(clip(t, MAX_TAG))
    if (out.size >= MAX_TAGS) break
  }
  return [...out]
}

export const answer = (
  level: EnrichmentLevel,
  summary: string,
  facts: EnrichmentFact[],
  opts: { tags?: Iterable<string>; keys?: ProviderAnswer['keys'] } = {},
): ProviderAnswer => ({
  finding: {
    level,
    summary: clip(summary, MAX_SUMMARY),
    tags: tagsOf(opts.tags ?? []),
    facts: facts.slice(0, 100),
  },
  keys: opts.keys ?? [],
})

/**
 * Names that only mean something inside a network (RFC 6761, 6762, 8375, the ICANN-reserved .internal) or
 * by convention (.lan, .corp, .home, .intranet): no public service knows them, and asking leaks the
 * organisation's internal names.
 */
const PRIVATE_SUFFIXES = [
  'local',
  'localhost',
  'internal',
  'intranet',
  'lan',
  'corp',
  'home',
  'home.arpa',
  'test',
  'example',
  'invalid',
  'onion',
]

const privateNameReason = (name: string): string | null => {
  const host = name.toLowerCase().replace(/\.$/, '')
  const suffix = PRIVATE_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`))
  return suffix ? `'.${suffix}' names are private or reserved, no public service knows them` : null
}

const privateAddressReason = (address: string): string | null => {
  const range = specialRangeOf(address)
  return range ? `${address} is a ${range} address, no public service knows it` : null
}

/** The host of a canonical URL (brackets kept off IPv6), or null when it has none. */
export const hostOfUrl = (url: string): string | null => {
  try {
    const host = new URL(url).hostname
    return host ? host.replace(/^\[(.*)\]$/, '$1') : null
  } catch {
    return null
  }
}

const isIpLiteral = (host: string): boolean => host.includes(':') || /^[0-9.]+$/.test(host)

/**
 * Why a value may not be sent to an outside service: a private or reserved address or name, for IPs,
 * networks, domains and the host of a URL. Null for everything else (hashes carry no location).
 */
export const nonPublicReason = (s: LookupSubject): string | null => {
  switch (s.type) {
    case 'ip':
    case 'ipv6':
      return privateAddressReason(s.value)
    case 'cidr':
      return privateAddressReason(s.value.split('/')[0] ?? s.value)
    case 'domain':
      return privateNameReason(s.value)
    case 'url': {
      const host = hostOfUrl(s.value)
      if (host === null) return 'the URL has no host'
      return isIpLiteral(host) ? privateAddressReason(host) : privateNameReason(host)
    }
    default:
      return null
  }
}

/** The usual cache key: two indicators with the same type and value share one answer. */
export const typeValueKey = (s: LookupSubject): string => `${s.type}:${s.value}`

/** A subject of a type the provider does not take: the engine checks `accepts` first, so this is a bug. */
export const unsupported = (provider: string, s: LookupSubject): never => {
  throw new AppError('unsupported', `${provider} does not look up ${s.type} indicators`)
}
