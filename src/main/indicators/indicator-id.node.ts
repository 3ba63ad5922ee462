import { createHash } from 'node:crypto'
import type { IocType } from '../../shared/domain/enums'
import {
  type IndicatorIdFn,
  STIX_NAMESPACE_BYTES,
  type StixScoIdFn,
  idNameOf,
  idNamespaceOf,
  scoTypeOf,
  uuidFromDigest,
} from '../../shared/domain/indicator-id'

// The same ids as src/shared/domain/indicator-id.ts, with OpenSSL's SHA-1. This is on the bulk-import hot
// path (one id per row), so the namespace and the UTF-8 name go into one reused buffer instead of a fresh
// Uint8Array per row.

let scratch = Buffer.allocUnsafe(4096)

const uuidV5 = (namespace: Uint8Array, name: string): string => {
  // UTF-8 needs at most 3 bytes per UTF-16 code unit.
  if (scratch.length < 16 + name.length * 3) scratch = Buffer.allocUnsafe(16 + name.length * 3)
  scratch.set(namespace, 0)
  const end = 16 + scratch.write(name, 16, 'utf8')
  return uuidFromDigest(createHash('sha1').update(scratch.subarray(0, end)).digest())
}

/** Deterministic indicator id (UUIDv5) of a canonical value; equal to the shared pure-TS `indicatorId`. */
export const indicatorId: IndicatorIdFn = (type: IocType, value: string) =>
  uuidV5(idNamespaceOf(type), idNameOf(type, value))

/** STIX 2.1 deterministic SCO id (`ipv4-addr--<uuid>`), or null when STIX has no SCO for the type. */
export const stixScoId: StixScoIdFn = (type: IocType, value: string) => {
  const sco = scoTypeOf(type, value)
  return sco === null ? null : `${sco}--${uuidV5(STIX_NAMESPACE_BYTES, idNameOf(type, value))}`
}
