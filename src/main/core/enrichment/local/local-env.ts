import type BetterSqlite3 from 'better-sqlite3'
import type { Logger } from '#core/platform/logger'
import type { IocType } from '#shared/domain/enums'
import { createAsnDatabase, type AsnDatabase } from './asn-database'
import {
  ASN_PACKAGE,
  ASN_V4_CSV,
  ASN_V6_CSV,
  GEO_PACKAGE,
  PACKAGED_GEO_V4,
  PACKAGED_GEO_V6,
  findOverrides,
  packagedFile,
} from './data-files'
import { createGeoDatabase, type GeoDatabase } from './geo-database'
import { loadHostingList, type HostingList } from './hosting-asns'
import { createLocalSightings, type LocalSightings } from './local-sightings'
import { openMmdbFile, type MmdbFile } from './mmdb-file'

/**
 * The warninglists check the core already has (WarninglistsService.check): the enabled built-in and imported
 * lists, and the analyst's allowlist.
 */
export type WarninglistCheck = (items: readonly { type?: IocType; value: string }[]) => {
  hits: { listName: string; entry: string }[]
  allowlisted: boolean
}[]

/** What the local providers read, opened once by the engine. Data files load on their first lookup. */
export type LocalEnv = {
  dataDir: string
  geo: GeoDatabase
  asn: AsnDatabase
  hosting: HostingList
  sightings: LocalSightings
  checkWarninglists: WarninglistCheck
  logger: Logger
}

export type LocalEnvOptions = {
  dataDir: string
  /** The core's main connection (core.db.sqlite); only read. */
  sqlite: BetterSqlite3.Database
  checkWarninglists: WarninglistCheck
  logger: Logger
}

/** An override .mmdb is an ASN database when its metadata says so (GeoLite2-ASN, "asn"), else GeoIP. */
const isAsnDatabase = (f: MmdbFile): boolean => /asn/i.test(f.metadata().databaseType)

/** Override files whose metadata cannot be read are left out, with a warning naming them. */
const readableOverrides = (paths: readonly string[], logger: Logger): MmdbFile[] =>
  paths.flatMap((path) => {
    const f = openMmdbFile(path, 'override')
    try {
      f.metadata()
      return [f]
    } catch (e) {
      logger.warn('enrichment: an override file is not a MaxMind DB and is ignored', {
        file: path,
        error: e,
      })
      return []
    }
  })

/** The hosting list; a broken install logs and runs without it, as the built-in warninglists do. */
const openHostingList = (dataDir: string, logger: Logger): HostingList => {
  try {
    return loadHostingList(dataDir, (e) =>
      logger.warn('enrichment: the analyst hosting ASN list is ignored', { error: e }),
    )
  } catch (e) {
    logger.error('enrichment: the built-in hosting ASN list is not loaded', { error: e })
    return { get: () => undefined, size: 0, files: [] }
  }
}

/**
 * Opens the local enrichment data: finds the packaged files and the overrides in
 * `<dataDir>/enrichment/geo`, reads the hosting list and prepares the database statements. Synchronous
 * and cheap: the MMDB files and ASN tables are read on their first lookup.
 */
export const openLocalEnv = (opts: LocalEnvOptions): LocalEnv => {
  const { dataDir, logger } = opts
  const overrides = findOverrides(dataDir)
  const mmdb = readableOverrides(overrides.mmdb, logger)
  const geoV4 = packagedFile(GEO_PACKAGE, PACKAGED_GEO_V4)
  const geoV6 = packagedFile(GEO_PACKAGE, PACKAGED_GEO_V6)
  const geo = createGeoDatabase(
    mmdb.filter((f) => !isAsnDatabase(f)),
    { v4: openMmdbFile(geoV4.path, geoV4.origin), v6: openMmdbFile(geoV6.path, geoV6.origin) },
  )
  const csv = (family: 4 | 6, name: string, override: string | null) =>
    override === null
      ? { ...packagedFile(ASN_PACKAGE, name), family }
      : { path: override, origin: 'override', family }
  const asn = createAsnDatabase({
    mmdbOverrides: mmdb.filter(isAsnDatabase),
    csv: {
      v4: csv(4, ASN_V4_CSV, overrides.asnV4Csv),
      v6: csv(6, ASN_V6_CSV, overrides.asnV6Csv),
    },
    logger,
  })
  const hosting = openHostingList(dataDir, logger)
  return {
    dataDir,
    geo,
    asn,
    hosting,
    sightings: createLocalSightings(opts.sqlite),
    checkWarninglists: opts.checkWarninglists,
    logger,
  }
}
