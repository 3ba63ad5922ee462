import { assertNever, type IocType } from './enums'
import { sha1Into } from './sha1'

// Indicator ids are deterministic UUIDv5s, so the same (type, value) gets the same id on every machine,
// in every import, and in STIX exchange. For types STIX 2.1 has a cyber-observable for, the UUID is
// exactly the one in that SCO's deterministic id (STIX 2.1 §2.9): our id and `ipv4-addr--<uuid>` name
// the same thing, and OpenCTI/MISP round-trips keep it.

export type Sha1 = (bytes: Uint8Array) => Uint8Array

export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7'

export type ScoType =
  | 'ipv4-addr'
  | 'ipv6-addr'
  | 'domain-name'
  | 'url'
  | 'email-addr'
  | 'file'
  | 'mutex'
  | 'windows-registry-key'

const HEX_CODES = new Uint16Array(512)
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0')
  HEX_CODES[i * 2] = h.charCodeAt(0)
  HEX_CODES[i * 2 + 1] = h.charCodeAt(1)
}
// Where each of the 16 bytes goes in "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
const BYTE_POS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]
const uuidCodes: number[] = new Array<number>(36).fill(45)

export const uuidToBytes = (uuid: string): Uint8Array => {
  const hex = uuid.replaceAll('-', '')
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`'${uuid}' is not a UUID`)
  const out = new Uint8Array(16)
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/**
 * A SHA-1 digest as a version-5, RFC 4122-variant UUID. Built from char codes in one call: a flat string,
 * much faster than concatenating 20 pieces once the id is hashed into a Map or bound to SQL.
 */
export const uuidFromDigest = (d: Uint8Array): string => {
  for (let i = 0; i < 16; i++) {
    let v = d[i]
    if (i === 6) v = (v & 0x0f) | 0x50
    else if (i === 8) v = (v & 0x3f) | 0x80
    const p = BYTE_POS[i]
    uuidCodes[p] = HEX_CODES[v * 2]
    uuidCodes[p + 1] = HEX_CODES[v * 2 + 1]
  }
  return String.fromCharCode.apply(null, uuidCodes)
}

let scratch = new Uint8Array(512)

/** UTF-8 of `s` written at `offset` of the shared scratch buffer (grown as needed); returns the end. */
const writeUtf8 = (s: string, offset: number): number => {
  if (scratch.length < offset + s.length * 3) {
    const grown = new Uint8Array(Math.max(scratch.length * 2, offset + s.length * 3))
    grown.set(scratch.subarray(0, offset))
    scratch = grown
  }
  const b = scratch
  let p = offset
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c < 0x80) {
      b[p++] = c
      continue
    }
    if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6)
      b[p++] = 0x80 | (c & 0x3f)
      continue
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1)
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00)
        i++
        b[p++] = 0xf0 | (c >> 18)
        b[p++] = 0x80 | ((c >> 12) & 0x3f)
        b[p++] = 0x80 | ((c >> 6) & 0x3f)
        b[p++] = 0x80 | (c & 0x3f)
        continue
      }
    }
    // A lone surrogate becomes U+FFFD, as TextEncoder and Buffer do.
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd
    b[p++] = 0xe0 | (c >> 12)
    b[p++] = 0x80 | ((c >> 6) & 0x3f)
    b[p++] = 0x80 | (c & 0x3f)
  }
  return p
}

/** RFC 4122 UUIDv5 of a UTF-8 name in a namespace. */
export const uuidV5 = (sha1: Sha1, namespace: Uint8Array, name: string): string => {
  scratch.set(namespace, 0)
  const end = writeUtf8(name, 16)
  return uuidFromDigest(sha1(scratch.subarray(0, end)))
}

const digest = new Uint8Array(20)

/** `uuidV5` with the built-in SHA-1 and no allocation but the result string. */
export const uuidV5Pure = (namespace: Uint8Array, name: string): string => {
  scratch.set(namespace, 0)
  const end = writeUtf8(name, 16)
  return uuidFromDigest(sha1Into(scratch, end, digest))
}

export const STIX_NAMESPACE_BYTES: Uint8Array = uuidToBytes(STIX_SCO_NAMESPACE)

/** Our namespace for types without a STIX SCO: UUIDv5(STIX namespace, "threateye"). */
export const THREATEYE_NAMESPACE: string = uuidV5Pure(STIX_NAMESPACE_BYTES, 'threateye')
export const THREATEYE_NAMESPACE_BYTES: Uint8Array = uuidToBytes(THREATEYE_NAMESPACE)

/** The STIX cyber-observable type for an indicator type, or null (cve, attack-technique, crypto, custom). */
export const scoTypeOf = (type: IocType, value: string): ScoType | null => {
  switch (type) {
    case 'ip':
      return 'ipv4-addr'
    case 'ipv6':
      return 'ipv6-addr'
    case 'cidr':
      return value.includes(':') ? 'ipv6-addr' : 'ipv4-addr'
    case 'domain':
      return 'domain-name'
    case 'url':
      return 'url'
    case 'email':
      return 'email-addr'
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return 'file'
    case 'mutex':
      return 'mutex'
    case 'registry-key':
      return 'windows-registry-key'
    case 'file-name':
      return 'file'
    case 'cve':
    case 'attack-technique':
    case 'bitcoin-address':
    case 'ethereum-address':
    case 'custom':
      return null
    default:
      return assertNever(type, 'IOC type')
  }
}

const HASH_KEYS = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' } as const

/**
 * The UUIDv5 name: RFC 8785 (JCS) JSON of the id-contributing properties. For our flat objects JCS is
 * keys in code-point order plus ECMAScript `JSON.stringify` string escaping, so these templates are exact.
 */
export const idNameOf = (type: IocType, value: string): string => {
  switch (type) {
    case 'ip':
    case 'ipv6':
    case 'cidr':
    case 'domain':
    case 'url':
    case 'email':
      return `{"value":${JSON.stringify(value)}}`
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return `{"hashes":{"${HASH_KEYS[type]}":${JSON.stringify(value)}}}`
    case 'mutex':
      return `{"name":${JSON.stringify(value)}}`
    case 'registry-key':
      return `{"key":${JSON.stringify(value)}}`
    // A file known by its name alone: the STIX file SCO's id-contributing properties are then just `name`.
    case 'file-name':
      return `{"name":${JSON.stringify(value)}}`
    // STIX 2.1 has no cryptocurrency SCO: ids are ours, and the type keeps a bitcoin and an Ethereum
    // spelling of the same characters apart.
    case 'cve':
    case 'attack-technique':
    case 'bitcoin-address':
    case 'ethereum-address':
    case 'custom':
      return `{"type":${JSON.stringify(type)},"value":${JSON.stringify(value)}}`
    default:
      return assertNever(type, 'IOC type')
  }
}

/** The namespace a type's id is minted in: STIX's for SCO types, ours for the rest. */
export const idNamespaceOf = (type: IocType): Uint8Array =>
  type === 'cve' ||
  type === 'attack-technique' ||
  type === 'custom' ||
  type === 'bitcoin-address' ||
  type === 'ethereum-address'
    ? THREATEYE_NAMESPACE_BYTES
    : STIX_NAMESPACE_BYTES

export type IndicatorIdFn = (type: IocType, value: string) => string
export type StixScoIdFn = (type: IocType, value: string) => string | null

/**
 * Indicator ids with a given SHA-1 (pure TS in the renderer, node:crypto in main). `value` must already be
 * canonical: the id of a non-canonical spelling is a different id.
 */
export const createIndicatorId =
  (sha1: Sha1): IndicatorIdFn =>
  (type, value) =>
    uuidV5(sha1, idNamespaceOf(type), idNameOf(type, value))

/** `ipv4-addr--<uuid>` and the like, equal to what the STIX 2.1 deterministic-id rules give; null when STIX has no SCO for the type. */
export const createStixScoId =
  (sha1: Sha1): StixScoIdFn =>
  (type, value) => {
    const sco = scoTypeOf(type, value)
    return sco === null
      ? null
      : `${sco}--${uuidV5(sha1, STIX_NAMESPACE_BYTES, idNameOf(type, value))}`
  }

/** Pure-TS versions for code that runs in the renderer. Main-process code uses indicator-id.node.ts. */
export const indicatorId: IndicatorIdFn = (type, value) =>
  uuidV5Pure(idNamespaceOf(type), idNameOf(type, value))

export const stixScoId: StixScoIdFn = (type, value) => {
  const sco = scoTypeOf(type, value)
  return sco === null ? null : `${sco}--${uuidV5Pure(STIX_NAMESPACE_BYTES, idNameOf(type, value))}`
}
