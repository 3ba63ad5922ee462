import { mkdir, rename, writeFile } from 'node:fs/promises'
import { readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { AppError } from '#shared/contract/errors'
import { Invalid, parseIPv4, parseIPv6 } from '#shared/domain'
import type { LookupSubject } from '../provider-types'
import { hostOfUrl } from './provider-support'
import {
  fail,
  IANA_RDAP_BOOTSTRAP,
  parseRdapBootstrap,
  perRegistry,
  perRegistryInTurn,
  RDAP_BOOTSTRAP_MAX_BYTES,
  RDAP_BOOTSTRAP_MIN_ENTRIES,
  type RdapBootstrapFile,
  type RdapRegistry,
} from './rdap-bootstrap-file'

/**
 * IANA's RDAP bootstrap (RFC 9224): which RDAP server answers for a top-level domain (dns.json), an IPv4 or
 * IPv6 block (ipv4.json, ipv6.json) or an AS number range (asn.json). A copy ships in
 * resources/enrichment/rdap-bootstrap (its SOURCES.md says exactly what it is); `refreshRdapBootstrap`
 * downloads IANA's files into <dataDir>/enrichment/rdap-bootstrap, and a file there wins over the shipped one.
 */

export {
  IANA_RDAP_BOOTSTRAP,
  parseRdapBootstrap,
  RDAP_BOOTSTRAP_MAX_BYTES,
  RDAP_BOOTSTRAP_MIN_ENTRIES,
  RDAP_REGISTRIES,
  type RdapBootstrapFile,
  type RdapRegistry,
} from './rdap-bootstrap-file'

type V4Block = { base: number; bits: number; url: string }
type V6Block = { base: bigint; bits: number; url: string }
type AsnBlock = { lo: number; hi: number; url: string }

const v6Value = (groups: readonly number[]): bigint =>
  groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)

const v4Mask = (bits: number): number => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0)
const v6Mask = (bits: number): bigint =>
  bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n)

export type RdapBootstrap = {
  /** Longest-suffix match of the name's labels ("a.b.co.uk" tries itself, then b.co.uk, co.uk, uk). */
  baseForDomain(name: string): string | null
  /** Longest-prefix match of an IPv4 or IPv6 literal (a CIDR is matched by its first address). */
  baseForAddress(address: string): string | null
  /** The narrowest AS range holding the number. */
  baseForAsn(asn: number): string | null
  /** What the RDAP provider's request() is given as env.rdapBase. */
  baseFor(s: LookupSubject): string | null
  entries: Record<RdapRegistry, number>
  publication: Record<RdapRegistry, string | null>
  /** Per registry: the shipped copy or the one refreshBootstrap wrote. */
  origin: Record<RdapRegistry, string>
}

export const buildRdapBootstrap = (
  files: Record<RdapRegistry, RdapBootstrapFile>,
  origin: Record<RdapRegistry, string>,
): RdapBootstrap => {
  const tlds = new Map<string, string>()
  for (const s of files.dns.services) for (const e of s.entries) tlds.set(e, s.url)
  const v4: V4Block[] = []
  for (const s of files.ipv4.services) {
    for (const e of s.entries) {
      const [addr = '', bits = '0'] = e.split('/')
      const n = parseIPv4(addr)
      if (!(n instanceof Invalid))
        v4.push({ base: (n & v4Mask(Number(bits))) >>> 0, bits: Number(bits), url: s.url })
    }
  }
  const v6: V6Block[] = []
  for (const s of files.ipv6.services) {
    for (const e of s.entries) {
      const [addr = '', bits = '0'] = e.split('/')
      const g = parseIPv6(addr)
      if (!(g instanceof Invalid))
        v6.push({ base: v6Value(g) & v6Mask(Number(bits)), bits: Number(bits), url: s.url })
    }
  }
  const asns: AsnBlock[] = []
  for (const s of files.asn.services) {
    for (const e of s.entries) {
      const [lo = '0', hi = lo] = e.split('-')
      asns.push({ lo: Number(lo), hi: Number(hi), url: s.url })
    }
  }
  // Longest prefix first, so the first block that holds an address is the most specific one.
  v4.sort((a, b) => b.bits - a.bits)
  v6.sort((a, b) => b.bits - a.bits)
  asns.sort((a, b) => a.hi - a.lo - (b.hi - b.lo))

  const baseForDomain = (name: string): string | null => {
    const labels = name.toLowerCase().replace(/\.$/, '').split('.')
    for (let i = 0; i < labels.length; i++) {
      const url = tlds.get(labels.slice(i).join('.'))
      if (url) return url
    }
    return null
  }
  const baseForAddress = (address: string): string | null => {
    const bare = address.split('/')[0] ?? address
    const n = parseIPv4(bare)
    if (!(n instanceof Invalid)) {
      return v4.find((b) => (n & v4Mask(b.bits)) >>> 0 === b.base)?.url ?? null
    }
    const g = parseIPv6(bare.replace(/%.*$/, ''))
    if (g instanceof Invalid) return null
    const value = v6Value(g)
    return v6.find((b) => (value & v6Mask(b.bits)) === b.base)?.url ?? null
  }
  const baseForAsn = (asn: number): string | null =>
    asns.find((b) => asn >= b.lo && asn <= b.hi)?.url ?? null
  const baseFor = (s: LookupSubject): string | null => {
    switch (s.type) {
      case 'domain':
        return baseForDomain(s.value)
      case 'ip':
      case 'ipv6':
      case 'cidr':
        return baseForAddress(s.value)
      case 'url': {
        const host = hostOfUrl(s.value)
        if (host === null) return null
        return baseForAddress(host) ?? baseForDomain(host)
      }
      default:
        return null
    }
  }
  return {
    baseForDomain,
    baseForAddress,
    baseForAsn,
    baseFor,
    entries: perRegistry((r) => files[r].entries),
    publication: perRegistry((r) => files[r].publication),
    origin,
  }
}

const SHIPPED = join('resources', 'enrichment', 'rdap-bootstrap')

/**
 * Where the shipped files are, found by walking up from this module as the warninglists are
 * (warninglist-loader.ts): src/main/core/enrichment/providers in tests, out/main (or a chunk below it) in the
 * builds, app.asar/out/main when packaged (electron-builder.yml must pack resources/enrichment).
 */
export const shippedRdapBootstrapDir = (from: string = __dirname): string => {
  let dir = from
  for (let up = 0; up < 8; up++) {
    const candidate = join(dir, SHIPPED)
    try {
      if (statSync(candidate).isDirectory()) return candidate
    } catch {
      // not at this level
    }
    dir = dirname(dir)
  }
  throw new AppError(
    'not_found',
    `the shipped RDAP bootstrap (${SHIPPED}) was not found above ${from}`,
  )
}

export const refreshedRdapBootstrapDir = (dataDir: string): string =>
  join(dataDir, 'enrichment', 'rdap-bootstrap')

const readIfExists = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw e
  }
}

/**
 * The bootstrap to use: per registry, the refreshed file when there is a valid one, else the shipped copy.
 * A refreshed file that no longer parses is passed over (the shipped copy still answers), never fatal.
 * Synchronous: four files of tens of kilobytes, read once.
 */
export const loadRdapBootstrap = (opts: {
  dataDir: string | null
  shippedDir?: string
}): RdapBootstrap => {
  const shippedDir = opts.shippedDir ?? shippedRdapBootstrapDir()
  const loaded = perRegistry((r) => {
    const refreshed =
      opts.dataDir === null ? null : join(refreshedRdapBootstrapDir(opts.dataDir), `${r}.json`)
    const text = refreshed === null ? null : readIfExists(refreshed)
    if (refreshed !== null && text !== null) {
      try {
        return { file: parseRdapBootstrap(r, text, refreshed), origin: refreshed }
      } catch {
        // fall through to the shipped copy
      }
    }
    const shipped = join(shippedDir, `${r}.json`)
    return { file: parseRdapBootstrap(r, readFileSync(shipped, 'utf8'), shipped), origin: shipped }
  })
  return buildRdapBootstrap(
    perRegistry((r) => loaded[r].file),
    perRegistry((r) => loaded[r].origin),
  )
}

export type RdapBootstrapRefresh = {
  updatedAt: string
  entries: Record<RdapRegistry, number>
  source: string
  bootstrap: RdapBootstrap
}

/**
 * Downloads IANA's four files through `fetchText` (the engine's fetch: its timeouts, size cap and offline
 * mode apply), checks all of them (shape, entries, sizes, no fewer entries than RDAP_BOOTSTRAP_MIN_ENTRIES)
 * and only then writes them, each atomically (temporary file, then rename): a bad download changes nothing.
 */
export const refreshRdapBootstrap = async (
  fetchText: (url: string) => Promise<string>,
  dataDir: string,
  opts: { now?: () => number; baseUrl?: string } = {},
): Promise<RdapBootstrapRefresh> => {
  const base = opts.baseUrl ?? IANA_RDAP_BOOTSTRAP
  const fetched = await perRegistryInTurn(async (r) => {
    const url = `${base.endsWith('/') ? base : `${base}/`}${r}.json`
    const text = await fetchText(url)
    const file = parseRdapBootstrap(r, text, url)
    if (file.entries < RDAP_BOOTSTRAP_MIN_ENTRIES[r]) {
      fail(url, `only ${file.entries} entries (at least ${RDAP_BOOTSTRAP_MIN_ENTRIES[r]} expected)`)
    }
    return { text, file }
  })
  const dir = refreshedRdapBootstrapDir(dataDir)
  await mkdir(dir, { recursive: true })
  const origin = await perRegistryInTurn(async (r) => {
    const path = join(dir, `${r}.json`)
    const tmp = `${path}.${process.pid}.tmp`
    await writeFile(tmp, fetched[r].text, 'utf8')
    await rename(tmp, path)
    return path
  })
  const files = perRegistry((r) => fetched[r].file)
  const bootstrap = buildRdapBootstrap(files, origin)
  return {
    updatedAt: new Date((opts.now ?? Date.now)()).toISOString(),
    entries: bootstrap.entries,
    source: base,
    bootstrap,
  }
}

/** What the engine holds: the current bootstrap for request()'s env.rdapBase, and its refresh. */
export type RdapBootstrapHandle = {
  rdapBase: (s: LookupSubject) => string | null
  current: () => RdapBootstrap
  /**
   * enrichment.refreshBootstrap: `getJson` is the engine's JSON GET (its limits, target policy and offline
   * mode), `baseUrl` where IANA's files are (tests: the fixture server). The new files answer at once.
   */
  refresh: (
    getJson: (url: string, signal?: AbortSignal, maxBytes?: number) => Promise<unknown>,
    baseUrl: string,
  ) => Promise<{ updatedAt: string; entries: Record<RdapRegistry, number>; source: string }>
}

/** Opens the bootstrap lazily (the files are read on the first RDAP question, not at start). */
export const openRdapBootstrap = (opts: {
  dataDir: string
  now: () => number
  shippedDir?: string
}): RdapBootstrapHandle => {
  let bootstrap: RdapBootstrap | null = null
  const current = (): RdapBootstrap =>
    (bootstrap ??= loadRdapBootstrap({ dataDir: opts.dataDir, shippedDir: opts.shippedDir }))
  return {
    current,
    rdapBase: (s) => current().baseFor(s),
    refresh: async (getJson, baseUrl) => {
      const fetchText = async (url: string) =>
        JSON.stringify(await getJson(url, undefined, RDAP_BOOTSTRAP_MAX_BYTES))
      const out = await refreshRdapBootstrap(fetchText, opts.dataDir, { now: opts.now, baseUrl })
      bootstrap = out.bootstrap
      return { updatedAt: out.updatedAt, entries: out.entries, source: out.source }
    },
  }
}
