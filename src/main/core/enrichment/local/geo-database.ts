import { cidrOf } from './ip-numbers'
import { describeMmdb, isRecord, type MmdbFile } from './mmdb-file'

/**
 * GeoIP from MMDB files: the packaged GeoLite2 City data of @ip-location-db (one file per IP version), or
 * files dropped into `<dataDir>/enrichment/geo` (that package's shape, or MaxMind's own GeoLite2/GeoIP2 City),
 * which win. Records of both shapes are read into one.
 */

export type GeoPlace = {
  /** ISO 3166-1 alpha-2, upper case. */
  country: string | null
  region: string | null
  city: string | null
  postcode: string | null
  latitude: number | null
  longitude: number | null
  timeZone: string | null
}

export type GeoHit = {
  place: GeoPlace
  /** The network the record is for (the MMDB's prefix). */
  network: string
  /** The file that answered. */
  file: string
  /** The record as stored in the file, for audit. */
  record: Record<string, unknown>
}

export type GeoDatabase = {
  lookup(address: string, family: 4 | 6): GeoHit | null
  /** The files in use per IP version, with their build dates. */
  source(): string
  files(family: 4 | 6): readonly MmdbFile[]
}

const text = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 200) : null
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const obj = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {})
const englishName = (v: unknown): string | null => text(obj(obj(v).names).en)

/** @ip-location-db: {city, country_code, latitude, longitude, postcode, state1, state2, timezone}. */
const fromIpLocationDb = (r: Record<string, unknown>): GeoPlace => ({
  country: text(r.country_code)?.toUpperCase() ?? null,
  region: text(r.state1),
  city: text(r.city),
  postcode: text(r.postcode),
  latitude: num(r.latitude),
  longitude: num(r.longitude),
  timeZone: text(r.timezone),
})

/** MaxMind: {country: {iso_code, names}, city: {names}, subdivisions: [{names}], location, postal}. */
const fromMaxMind = (r: Record<string, unknown>): GeoPlace => {
  const location = obj(r.location)
  const subdivisions = Array.isArray(r.subdivisions) ? r.subdivisions : []
  const iso = text(obj(r.country).iso_code) ?? text(obj(r.registered_country).iso_code)
  return {
    country: iso?.toUpperCase() ?? null,
    region: englishName(subdivisions[0]),
    city: englishName(r.city),
    postcode: text(obj(r.postal).code),
    latitude: num(location.latitude),
    longitude: num(location.longitude),
    timeZone: text(location.time_zone),
  }
}

export const placeOf = (record: Record<string, unknown>): GeoPlace =>
  'country_code' in record ? fromIpLocationDb(record) : fromMaxMind(record)

const hasPlace = (p: GeoPlace) => p.country !== null || p.city !== null || p.latitude !== null

/**
 * Which files answer an IP version: a file's metadata says its IP version, and the @ip-location-db files
 * say 'ipv4' or 'ipv6' in their database type (their IPv6 file holds no IPv4 networks, where MaxMind's
 * IPv6 trees do).
 */
export const answersFamily = (f: MmdbFile, family: 4 | 6): boolean => {
  const m = f.metadata()
  const type = m.databaseType.toLowerCase()
  if (family === 4) return m.ipVersion === 4 || (m.ipVersion === 6 && !type.includes('ipv6'))
  return m.ipVersion === 6 && !type.includes('ipv4')
}

export const createGeoDatabase = (
  overrides: readonly MmdbFile[],
  packaged: { v4: MmdbFile; v6: MmdbFile },
): GeoDatabase => {
  const pick = (family: 4 | 6): MmdbFile[] => {
    const dropped = overrides.filter((f) => answersFamily(f, family))
    return dropped.length > 0 ? dropped : [family === 4 ? packaged.v4 : packaged.v6]
  }
  const byFamily = { 4: pick(4), 6: pick(6) }
  return {
    files: (family) => byFamily[family],
    lookup: (address, family) => {
      for (const f of byFamily[family]) {
        const hit = f.lookup(address)
        if (hit === null) continue
        const place = placeOf(hit.record)
        if (!hasPlace(place)) continue
        return { place, network: cidrOf(address, hit.prefix), file: f.name, record: hit.record }
      }
      return null
    },
    source: () =>
      [...new Set([...byFamily[4], ...byFamily[6]])].map((f) => describeMmdb(f)).join('; '),
  }
}
