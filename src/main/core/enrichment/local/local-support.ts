import { specialRangeOf } from '#core/feeds/http/address-ranges'
import { formatIPv4 } from '#shared/domain'
import type { EnrichmentFact, ProviderSettings } from '#shared/contract/enrichment.schemas'
import type { LookupSubject } from '../provider-types'
import { ipv4Number, ipv6Words, mappedIpv4, type V6Words } from './ip-numbers'

/** Shared by the local providers: their defaults, facts, and an address read from a subject. */

/**
 * Nothing leaves the machine, so no TLP ceiling and no budget (the schema's maxima); the cache TTL is how
 * long an answer stands before a new run asks again.
 */
export const localDefaults = (cacheTtlHours: number): ProviderSettings => ({
  enabled: true,
  maxTlp: 'red',
  rateLimit: { perMinute: 100_000, perDay: 10_000_000 },
  cacheTtlHours,
})

const MAX_FACT_TEXT = 2000

export const fact = (
  key: string,
  label: string,
  value: string | number | boolean | null,
): EnrichmentFact => ({
  key,
  label,
  value: typeof value === 'string' ? value.slice(0, MAX_FACT_TEXT) : value,
})

/** Names for a fact: comma-joined, duplicates dropped, bounded. */
export const joined = (names: readonly (string | null | undefined)[]): string | null => {
  const unique = [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))]
  return unique.length === 0 ? null : unique.join(', ').slice(0, MAX_FACT_TEXT)
}

export type SubjectAddress =
  { family: 4; address: string; n: number } | { family: 6; address: string; w: V6Words }

/**
 * The address an ip, ipv6 or cidr subject stands for (a CIDR by its first address; an IPv4-mapped IPv6
 * address as its IPv4 address, which is where the data holds it); null when it is none of those.
 */
export const addressOf = (s: LookupSubject): SubjectAddress | null => {
  // notApplicable and lookup of two providers read the same subject: parse it once.
  const known = parsed.get(s)
  if (known !== undefined) return known
  const a = parseAddress(s)
  parsed.set(s, a)
  return a
}

const parsed = new WeakMap<LookupSubject, SubjectAddress | null>()

const parseAddress = (s: LookupSubject): SubjectAddress | null => {
  const text = s.type === 'cidr' ? s.value.slice(0, s.value.lastIndexOf('/')) : s.value
  if (s.type !== 'ip' && s.type !== 'ipv6' && s.type !== 'cidr') return null
  const n = ipv4Number(text)
  if (n !== null) return { family: 4, address: text, n }
  const w = ipv6Words(text)
  if (w === null) return null
  const v4 = mappedIpv4(w)
  if (v4 !== null) {
    return { family: 4, address: formatIPv4(v4), n: v4 }
  }
  return { family: 6, address: text, w }
}

/** Why an address has no public owner or place: private, loopback, reserved ... (RFC 6890). */
export const privateAddressReason = (s: LookupSubject): string | null => {
  const a = addressOf(s)
  if (a === null) return `${s.type} ${s.value.slice(0, 100)} is not an IP address`
  const range = specialRangeOf(a.address)
  return range === undefined ? null : `${a.address} is a ${range} address, not on the internet`
}
