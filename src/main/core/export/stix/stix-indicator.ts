import type { Indicator } from '#shared/contract/indicators.contract'
import type { Classification, IocType } from '#shared/domain/enums'
import {
  STIX_NAMESPACE_BYTES,
  THREATEYE_NAMESPACE_BYTES,
  uuidV5Pure,
} from '#shared/domain/indicator-id'

/** A STIX string literal: single-quoted, with the two escapes the grammar knows (`\'` and `\\`). */
export const stixString = (value: string): string =>
  `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

const HIVES: Readonly<Record<string, string>> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKU: 'HKEY_USERS',
  HKCC: 'HKEY_CURRENT_CONFIG',
}

/** Stored keys are already canonical; a key written some other way still leaves with its full hive. */
export const fullHiveKey = (key: string): string => {
  const m = /^(HKLM|HKCU|HKCR|HKU|HKCC)(?=\\|$)/i.exec(key)
  return m === null ? key : `${HIVES[m[1].toUpperCase()]}${key.slice(m[1].length)}`
}

export const STIX_HASH_KEYS = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
} as const satisfies Partial<Record<IocType, string>>

/**
 * Chains have no STIX 2.1 observable; OpenCTI's custom `cryptocurrency-wallet` is what peers read (and what
 * our importer reads back, telling Ethereum by its 0x).
 */
export const WALLET_OBJECT = 'cryptocurrency-wallet'

/** The object path and value an indicator type is matched on, or null for types with no pattern. */
export const patternPathOf = (type: IocType, value: string): string | null => {
  switch (type) {
    case 'ip':
      return 'ipv4-addr:value'
    case 'ipv6':
      return 'ipv6-addr:value'
    case 'cidr':
      return value.includes(':') ? 'ipv6-addr:value' : 'ipv4-addr:value'
    case 'domain':
      return 'domain-name:value'
    case 'url':
      return 'url:value'
    case 'email':
      return 'email-addr:value'
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return `file:hashes.'${STIX_HASH_KEYS[type]}'`
    case 'registry-key':
      return 'windows-registry-key:key'
    case 'mutex':
      return 'mutex:name'
    case 'file-name':
      return 'file:name'
    case 'bitcoin-address':
    case 'ethereum-address':
      return `${WALLET_OBJECT}:value`
    case 'cve':
    case 'attack-technique':
    case 'custom':
      return null
  }
}

/** `[object-path = 'value']`, or null when STIX patterns cannot say it (CVE, technique, custom). */
export const stixPatternOf = (type: IocType, value: string): string | null => {
  const path = patternPathOf(type, value)
  if (path === null) return null
  const v = type === 'registry-key' ? fullHiveKey(value) : value
  return `[${path} = ${stixString(v)}]`
}

/**
 * OpenCTI's deterministic indicator id: UUIDv5 in the STIX namespace of the JCS form of {pattern}. The same
 * indicator gets the same id in every export, and OpenCTI merges it into the indicator it already has.
 */
export const indicatorStixId = (pattern: string): string =>
  `indicator--${uuidV5Pure(STIX_NAMESPACE_BYTES, JSON.stringify({ pattern: pattern.trim() }))}`

/** A stable id for one of our objects that has no STIX id of its own yet. */
export const derivedStixId = (type: string, ourId: string): string =>
  `${type}--${uuidV5Pure(THREATEYE_NAMESPACE_BYTES, JSON.stringify({ id: ourId, type }))}`

/** STIX indicator_types for our classification; `unknown` says nothing, so it is left out. */
export const INDICATOR_TYPES_OF: Readonly<Record<Classification, string | null>> = {
  malicious: 'malicious-activity',
  suspicious: 'anomalous-activity',
  benign: 'benign',
  unknown: null,
}

const STIX_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/**
 * Any timestamp as STIX writes it: UTC, millisecond precision, literal Z. Stored timestamps already are
 * (they come from toISOString), and are passed through without a parse.
 */
export const stixTime = (iso: string): string =>
  STIX_TIME.test(iso) ? iso : new Date(iso).toISOString()

type Sco = Record<string, unknown> & { type: string; id: string }

/**
 * The cyber-observable an indicator is about, for the types STIX has one for. Its id is our indicator id:
 * that is by construction the SCO's deterministic id (src/shared/domain/indicator-id.ts).
 */
export const scoOf = (ind: Indicator): Sco | null => {
  const base = (type: string) => ({ type, spec_version: '2.1', id: `${type}--${ind.id}` })
  switch (ind.type) {
    case 'ip':
    case 'ipv6':
    case 'cidr':
    case 'domain':
    case 'url':
    case 'email': {
      const path = patternPathOf(ind.type, ind.value) ?? ''
      return { ...base(path.slice(0, path.indexOf(':'))), value: ind.value }
    }
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return { ...base('file'), hashes: { [STIX_HASH_KEYS[ind.type]]: ind.value } }
    case 'file-name':
      return { ...base('file'), name: ind.value }
    case 'registry-key':
      return { ...base('windows-registry-key'), key: fullHiveKey(ind.value) }
    case 'mutex':
      return { ...base('mutex'), name: ind.value }
    default:
      return null
  }
}
