import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Logger } from '#core/platform/logger'
import { parseAsnV4Csv, parseAsnV6Csv, type AsnTable } from './asn-table'
import type { PackagedFile } from './data-files'
import { answersFamily } from './geo-database'
import { cidrOf, type V6Words } from './ip-numbers'
import { describeMmdb, type MmdbFile } from './mmdb-file'

/**
 * ASN data: the packaged @ip-location-db/asn CSV (there is no ASN MMDB on npm), parsed into typed arrays on
 * its first lookup; replaced by `asn-ipv4-num.csv` / `asn-ipv6.csv` or a GeoLite2-ASN-shaped .mmdb
 * (autonomous_system_number, autonomous_system_organization) dropped into `<dataDir>/enrichment/geo`.
 */

export type AsnAnswer = {
  asn: number
  org: string
  network: string
  /** The file that answered. */
  file: string
  /** What the file holds for the address, for audit. */
  record: Record<string, unknown>
}

export type AsnDatabase = {
  /** `n`/`w`: the address as numbers (the CSV's binary search); `address`: as text (an MMDB's lookup). */
  lookupV4(address: string, n: number): AsnAnswer | null
  lookupV6(address: string, w: V6Words): AsnAnswer | null
  source(): string
  /** Milliseconds each loaded table took to read and parse (absent until loaded). */
  loadTimes(): { file: string; ms: number; rows: number }[]
}

type CsvSource = PackagedFile & { family: 4 | 6 }

type FamilySource = { kind: 'mmdb'; file: MmdbFile } | { kind: 'csv'; csv: CsvSource }

const fromMmdb = (f: MmdbFile, address: string): AsnAnswer | null => {
  const hit = f.lookup(address)
  if (hit === null) return null
  const asn = hit.record.autonomous_system_number
  const org = hit.record.autonomous_system_organization
  if (typeof asn !== 'number' || !Number.isInteger(asn)) return null
  return {
    asn,
    org: typeof org === 'string' ? org.slice(0, 200) : '',
    network: cidrOf(address, hit.prefix),
    file: f.name,
    record: hit.record,
  }
}

export const createAsnDatabase = (opts: {
  /** .mmdb files of the override folder whose metadata says ASN. */
  mmdbOverrides: readonly MmdbFile[]
  csv: { v4: CsvSource; v6: CsvSource }
  logger: Logger
}): AsnDatabase => {
  const pick = (family: 4 | 6): FamilySource => {
    const mmdb = opts.mmdbOverrides.find((f) => answersFamily(f, family))
    if (mmdb !== undefined) return { kind: 'mmdb', file: mmdb }
    return { kind: 'csv', csv: family === 4 ? opts.csv.v4 : opts.csv.v6 }
  }
  const sources = { 4: pick(4), 6: pick(6) }
  const tables: { 4?: AsnTable; 6?: AsnTable } = {}
  const times: { file: string; ms: number; rows: number }[] = []

  const table = (family: 4 | 6, csv: CsvSource): AsnTable => {
    const loaded = tables[family]
    if (loaded !== undefined) return loaded
    const t0 = performance.now()
    const text = readFileSync(csv.path, 'utf8')
    const parsed = family === 4 ? parseAsnV4Csv(text, csv.path) : parseAsnV6Csv(text, csv.path)
    const ms = performance.now() - t0
    times.push({ file: basename(csv.path), ms, rows: parsed.rows })
    opts.logger.info('enrichment: ASN table loaded', {
      file: csv.path,
      rows: parsed.rows,
      orgs: parsed.orgs,
      ms: Math.round(ms),
    })
    if (parsed.issues.length > 0) {
      opts.logger.warn('enrichment: ASN table rows skipped', {
        file: csv.path,
        issues: parsed.issues.slice(0, 5),
        total: parsed.issues.length + parsed.moreIssues,
      })
    }
    tables[family] = parsed
    return parsed
  }

  const answer = (t: AsnTable, hit: ReturnType<AsnTable['lookupV4']>): AsnAnswer | null =>
    hit === null
      ? null
      : {
          asn: hit.asn,
          org: hit.org,
          network: hit.network,
          file: basename(t.file),
          record: { asn: hit.asn, org: hit.org, network: hit.network },
        }

  return {
    lookupV4: (address, n) => {
      const s = sources[4]
      if (s.kind === 'mmdb') return fromMmdb(s.file, address)
      const t = table(4, s.csv)
      return answer(t, t.lookupV4(n))
    },
    lookupV6: (address, w) => {
      const s = sources[6]
      if (s.kind === 'mmdb') return fromMmdb(s.file, address)
      const t = table(6, s.csv)
      return answer(t, t.lookupV6(w))
    },
    source: () =>
      ([4, 6] as const)
        .map((family) => {
          const s = sources[family]
          return s.kind === 'mmdb'
            ? describeMmdb(s.file)
            : `${basename(s.csv.path)} (${s.csv.origin})`
        })
        .join('; '),
    loadTimes: () => [...times],
  }
}
