import { hash } from 'node:crypto'
import type { IocType } from '#shared/domain/enums'
import {
  type IndicatorIdFn,
  STIX_NAMESPACE_BYTES,
  type StixScoIdFn,
  idNameOf,
  idNamespaceOf,
  scoTypeOf,
  uuidFromDigest,
  uuidV5Pure,
} from '#shared/domain/indicator-id'

// The same ids as src/shared/domain/indicator-id.ts, on the bulk-import hot path (one id per row).
// OpenSSL's one-shot `crypto.hash` has a fixed overhead per call that dwarfs the pure-TS SHA-1's cost per
// 64-byte block (docs/performance.md). So short names (nearly every IP, domain, hash) go through the allocation-free pure path and long ones
// (URLs, registry keys) through OpenSSL. Both give identical ids; the tests hold them to it.
const PURE_MAX_NAME_LENGTH = 160

let scratch = Buffer.allocUnsafe(4096)

const uuidV5 = (namespace: Uint8Array, name: string): string => {
  if (name.length <= PURE_MAX_NAME_LENGTH) return uuidV5Pure(namespace, name)
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (scratch.length < 16 + name.length * 3) scratch = Buffer.allocUnsafe(16 + name.length * 3)
  scratch.set(namespace, 0)
  const end = 16 + scratch.write(name, 16, 'utf8')
  return uuidFromDigest(hash('sha1', scratch.subarray(0, end), 'buffer'))
}

/** Deterministic indicator id (UUIDv5) of a canonical value; equal to the shared pure-TS `indicatorId`. */
export const indicatorId: IndicatorIdFn = (type: IocType, value: string) =>
  uuidV5(idNamespaceOf(type), idNameOf(type, value))

/** STIX 2.1 deterministic SCO id (`ipv4-addr--<uuid>`), or null when STIX has no SCO for the type. */
export const stixScoId: StixScoIdFn = (type: IocType, value: string) => {
  const sco = scoTypeOf(type, value)
  return sco === null ? null : `${sco}--${uuidV5(STIX_NAMESPACE_BYTES, idNameOf(type, value))}`
}
