import type { Indicator } from '#shared/contract/indicators.contract'
import type { IocType, Tlp } from '#shared/domain/enums'

/** A MISP attribute type with its category and whether it is actionable (to_ids) at all. */
export type MispType = { type: string; category: string; ids: boolean }

/**
 * Our IOC types → MISP (formats.md §3.3). ip-dst for every address and range (MISP takes CIDR there);
 * email-src, the sender, as phishing indicators are; Ethereum addresses as btc, MISP's one wallet type
 * (our importer tells them apart by the 0x); CVEs and free text inform but never drive detection.
 */
export const MISP_TYPES: Readonly<Record<IocType, MispType>> = {
  ip: { type: 'ip-dst', category: 'Network activity', ids: true },
  ipv6: { type: 'ip-dst', category: 'Network activity', ids: true },
  cidr: { type: 'ip-dst', category: 'Network activity', ids: true },
  domain: { type: 'domain', category: 'Network activity', ids: true },
  url: { type: 'url', category: 'Network activity', ids: true },
  md5: { type: 'md5', category: 'Payload delivery', ids: true },
  sha1: { type: 'sha1', category: 'Payload delivery', ids: true },
  sha256: { type: 'sha256', category: 'Payload delivery', ids: true },
  sha512: { type: 'sha512', category: 'Payload delivery', ids: true },
  email: { type: 'email-src', category: 'Payload delivery', ids: true },
  cve: { type: 'vulnerability', category: 'External analysis', ids: false },
  'attack-technique': { type: 'text', category: 'External analysis', ids: false },
  'registry-key': { type: 'regkey', category: 'Persistence mechanism', ids: true },
  mutex: { type: 'mutex', category: 'Artifacts dropped', ids: true },
  'bitcoin-address': { type: 'btc', category: 'Financial fraud', ids: true },
  'ethereum-address': { type: 'btc', category: 'Financial fraud', ids: true },
  'file-name': { type: 'filename', category: 'Payload delivery', ids: true },
  custom: { type: 'text', category: 'Other', ids: false },
}

/** Detection may act on it: an actionable type, said to be bad, current and not a false positive. */
export const toIdsOf = (ind: Indicator): boolean =>
  MISP_TYPES[ind.type].ids &&
  (ind.classification === 'malicious' || ind.classification === 'suspicious') &&
  ind.active &&
  !ind.falsePositive &&
  !ind.expired

/** The TLP taxonomy's tags and colours (MISP's tlp taxonomy; TLP 2.0 names). */
export const TLP_TAGS: Readonly<Record<Tlp, { name: string; colour: string }>> = {
  clear: { name: 'tlp:clear', colour: '#ffffff' },
  green: { name: 'tlp:green', colour: '#339900' },
  amber: { name: 'tlp:amber', colour: '#ffc000' },
  'amber+strict': { name: 'tlp:amber+strict', colour: '#ffc000' },
  red: { name: 'tlp:red', colour: '#cc0033' },
}

/**
 * Event distribution from the TLP: CLEAR may go to all, GREEN to the connected communities, AMBER to
 * this community, AMBER+STRICT and RED stay in the organisation.
 */
export const DISTRIBUTION_OF: Readonly<Record<Tlp, '0' | '1' | '2' | '3'>> = {
  clear: '3',
  green: '2',
  amber: '1',
  'amber+strict': '0',
  red: '0',
}

/** MISP threat_level_id: 1 High, 2 Medium, 3 Low, 4 Undefined. */
export const THREAT_LEVEL_OF: Readonly<Record<string, '1' | '2' | '3'>> = {
  critical: '1',
  high: '1',
  medium: '2',
  low: '3',
}

/** Epoch seconds as MISP writes them: a string. */
export const epoch = (iso: string): string => String(Math.floor(Date.parse(iso) / 1000))

/** MISP's first_seen/last_seen: ISO 8601 with microseconds and an offset. */
export const mispTime = (iso: string): string =>
  `${new Date(iso).toISOString().slice(0, 23)}000+00:00`

/** info is one line of at most 256 characters. */
export const oneLine = (s: string, max: number): string => {
  const line = s.replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`
}
