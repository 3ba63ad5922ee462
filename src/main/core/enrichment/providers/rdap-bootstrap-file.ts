import { AppError } from '#shared/contract/errors'
import { Invalid, parseIPv4, parseIPv6 } from '#shared/domain'

/**
 * One RDAP bootstrap file (RFC 9224: `{ version, publication, services: [[entries], [urls]][] }`) read and
 * checked entry by entry: a file from the network is hostile input, and every rejection names the file and
 * the place in it. rdap-bootstrap.ts builds the lookups from these.
 */

export const RDAP_REGISTRIES = ['dns', 'ipv4', 'ipv6', 'asn'] as const
export type RdapRegistry = (typeof RDAP_REGISTRIES)[number]

export const IANA_RDAP_BOOTSTRAP = 'https://data.iana.org/rdap/'
/** IANA's files are tens of kilobytes; anything near this is not one of them. */
export const RDAP_BOOTSTRAP_MAX_BYTES = 1024 * 1024
/**
 * A downloaded file with fewer entries than this is truncated or not IANA's (its files hold over a thousand
 * TLDs, a few hundred IPv4 prefixes, dozens of IPv6 prefixes and AS ranges), and must not replace a good one.
 */
export const RDAP_BOOTSTRAP_MIN_ENTRIES: Record<RdapRegistry, number> = {
  dns: 300,
  ipv4: 100,
  ipv6: 10,
  asn: 20,
}

type Service = { entries: string[]; url: string }

/** One value per registry, built without a cast. */
export const perRegistry = <T>(f: (r: RdapRegistry) => T): Record<RdapRegistry, T> => ({
  dns: f('dns'),
  ipv4: f('ipv4'),
  ipv6: f('ipv6'),
  asn: f('asn'),
})

/** The same, one registry after the other (downloads). */
export const perRegistryInTurn = async <T>(
  f: (r: RdapRegistry) => Promise<T>,
): Promise<Record<RdapRegistry, T>> => {
  const dns = await f('dns')
  const ipv4 = await f('ipv4')
  const ipv6 = await f('ipv6')
  const asn = await f('asn')
  return { dns, ipv4, ipv6, asn }
}
export type RdapBootstrapFile = { publication: string | null; services: Service[]; entries: number }

export const fail = (where: string, what: string): never => {
  throw new AppError('upstream_failed', `RDAP bootstrap ${where}: ${what}`)
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const V4_CIDR = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/
const TLD =
  /^(?:xn--)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.(?:xn--)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i
const ASN_RANGE = /^(\d{1,10})(?:-(\d{1,10}))?$/
const MAX_ASN = 4_294_967_295

const validEntry = (registry: RdapRegistry, e: string): boolean => {
  switch (registry) {
    case 'dns':
      return TLD.test(e)
    case 'ipv4': {
      const m = V4_CIDR.exec(e)
      return !!m && !(parseIPv4(m[1] ?? '') instanceof Invalid) && Number(m[2]) <= 32
    }
    case 'ipv6': {
      const [addr = '', len = '', ...rest] = e.split('/')
      return (
        rest.length === 0 &&
        /^\d{1,3}$/.test(len) &&
        Number(len) <= 128 &&
        !(parseIPv6(addr) instanceof Invalid)
      )
    }
    case 'asn': {
      const m = ASN_RANGE.exec(e)
      const lo = Number(m?.[1])
      const hi = m?.[2] === undefined ? lo : Number(m[2])
      return !!m && lo <= hi && hi <= MAX_ASN
    }
  }
}

/** The base URL of a service: HTTPS when it offers one (RFC 9224 asks clients to prefer it), ending in '/'. */
const pickUrl = (urls: string[], where: string): string => {
  const valid = urls.filter((u) => {
    try {
      const p = new URL(u).protocol
      return p === 'https:' || p === 'http:'
    } catch {
      return false
    }
  })
  const url = valid.find((u) => u.startsWith('https:')) ?? valid[0]
  if (url === undefined) return fail(where, 'no http(s) URL')
  return url.endsWith('/') ? url : `${url}/`
}

/** Parses and checks one bootstrap file; every rejection names the file and the place in it. */
export const parseRdapBootstrap = (
  registry: RdapRegistry,
  text: string,
  origin: string,
): RdapBootstrapFile => {
  const where = `${origin} (${registry}.json)`
  if (Buffer.byteLength(text) > RDAP_BOOTSTRAP_MAX_BYTES) {
    fail(where, `larger than ${RDAP_BOOTSTRAP_MAX_BYTES} bytes`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return fail(where, `not JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  if (!isObject(json)) return fail(where, 'not a JSON object')
  if (json.version !== '1.0')
    fail(where, `version should be "1.0", got ${JSON.stringify(json.version)}`)
  const publication = json.publication
  if (publication !== undefined && publication !== null && typeof publication !== 'string') {
    fail(where, 'publication should be a string')
  }
  if (!Array.isArray(json.services)) return fail(where, 'services should be an array')
  let entries = 0
  const services = json.services.map((svc: unknown, i): Service => {
    const at = `${where} services[${i}]`
    if (!Array.isArray(svc) || svc.length < 2) return fail(at, 'should be [entries, urls]')
    const [list, urls] = svc as unknown[]
    if (!Array.isArray(list) || !list.every((e) => typeof e === 'string')) {
      return fail(at, '[0] should be an array of strings')
    }
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string')) {
      return fail(at, '[1] should be a non-empty array of URLs')
    }
    list.forEach((e, j) => {
      if (!validEntry(registry, e))
        fail(`${at}[0][${j}]`, `'${e.slice(0, 60)}' is not a valid ${registry} entry`)
    })
    entries += list.length
    return { entries: list.map((e) => e.toLowerCase()), url: pickUrl(urls, `${at}[1]`) }
  })
  return { publication: typeof publication === 'string' ? publication : null, services, entries }
}
