import { Resolver } from 'node:dns/promises'
import { AppError } from '#shared/contract/errors'
import { Invalid, parseIPv4, parseIPv6 } from '#shared/domain'
import {
  ProviderError,
  type DirectProvider,
  type LookupSubject,
  type PivotKey,
} from '../provider-types'
import {
  answer,
  clip,
  fact,
  hostOfUrl,
  joined,
  nonPublicReason,
  typeValueKey,
} from './provider-support'

/**
 * DNS (A, AAAA, CNAME, MX, NS, TXT) through node's resolver, against the servers the analyst configured
 * (settings dnsServers) or the system's. Not HTTP, so a DirectProvider: the engine still applies the TLP
 * gate, the budget, the cache and offline mode; the timeout and tries are bounded here, per query.
 */

export type DnsEnv = {
  /** "ip" or "ip:port" ("[v6]:port" for IPv6 with a port); empty: the system's resolvers. */
  servers: readonly string[]
  /** Per attempt; clamped to DNS_TIMEOUT_RANGE. */
  timeoutMs: number
  /** Attempts per query; clamped to DNS_TRIES_RANGE. */
  tries: number
}

export const DNS_DEFAULT_ENV: DnsEnv = { servers: [], timeoutMs: 2000, tries: 2 }
export const DNS_TIMEOUT_RANGE = [100, 10_000] as const
export const DNS_TRIES_RANGE = [1, 4] as const
/** TXT records are free text anyone can publish: a few, cut short, are enough to see SPF or a verification. */
export const DNS_MAX_TXT_RECORDS = 10
export const DNS_MAX_TXT_LENGTH = 255
const MAX_RECORDS = 50

const clamp = (n: number, [lo, hi]: readonly [number, number]) =>
  Math.min(hi, Math.max(lo, Math.round(Number.isFinite(n) ? n : lo)))

/**
 * A configured server as node's setServers takes it, or an error naming the entry: "ip", "ip:port",
 * "v6" or "[v6]:port". Names are refused: resolving the resolver would need a resolver.
 */
export const dnsServerAddress = (entry: string, index = 0): string => {
  const s = entry.trim()
  const bad = (why: string): never => {
    throw new AppError('invalid_input', `dnsServers[${index}]: '${clip(entry, 64)}' ${why}`)
  }
  const port = (p: string) => {
    if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) bad(`has port '${p}' (1–65535)`)
  }
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(s)
  if (v6) {
    if (parseIPv6(v6[1] ?? '') instanceof Invalid) return bad('is not an IPv6 address')
    if (v6[2] !== undefined) port(v6[2])
    return s
  }
  if (s.includes(':') && s.indexOf(':') !== s.lastIndexOf(':')) {
    return parseIPv6(s) instanceof Invalid ? bad('is not an IPv6 address') : s
  }
  const [host = '', p] = s.split(':')
  if (parseIPv4(host) instanceof Invalid) return bad('is not an IP address (ip or ip:port)')
  if (p !== undefined) port(p)
  return s
}

/** The name to ask about: a domain, or the host of a URL when it is a name (not an address). */
const nameOf = (s: LookupSubject): string | null => {
  if (s.type === 'domain') return s.value
  if (s.type !== 'url') return null
  const host = hostOfUrl(s.value)
  if (host === null || host.includes(':') || !(parseIPv4(host) instanceof Invalid)) return null
  return host
}

type Records = {
  a: string[]
  aaaa: string[]
  cname: string[]
  mx: { priority: number; exchange: string }[]
  ns: string[]
  txt: string[]
}

const errCode = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : ''

/** "No such record" answers as an empty list; whether the name exists at all is told apart by the caller. */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND'])

const query = async <T>(name: string, run: () => Promise<T[]>, signal: AbortSignal) => {
  try {
    return { records: (await run()).slice(0, MAX_RECORDS), nx: false }
  } catch (e) {
    const code = errCode(e)
    if (signal.aborted) throw signal.reason
    if (NO_DATA.has(code)) return { records: [], nx: code === 'ENOTFOUND' }
    if (code === 'ETIMEOUT')
      throw new ProviderError('timeout', `DNS: no answer for ${name} in time`)
    throw new ProviderError(
      'unavailable',
      `DNS: ${name}: ${code || (e instanceof Error ? e.message : String(e))}`,
    )
  }
}

const resolveAll = async (name: string, r: Resolver, signal: AbortSignal) => {
  const [a, aaaa, cname, mx, ns, txt] = await Promise.all([
    query(name, () => r.resolve4(name), signal),
    query(name, () => r.resolve6(name), signal),
    query(name, () => r.resolveCname(name), signal),
    query(name, () => r.resolveMx(name), signal),
    query(name, () => r.resolveNs(name), signal),
    query(name, () => r.resolveTxt(name), signal),
  ])
  const records: Records = {
    a: a.records,
    aaaa: aaaa.records,
    cname: cname.records,
    mx: mx.records.sort((x, y) => x.priority - y.priority),
    ns: ns.records.sort(),
    txt: txt.records
      .slice(0, DNS_MAX_TXT_RECORDS)
      .map((chunks) => clip(chunks.join(''), DNS_MAX_TXT_LENGTH)),
  }
  // NXDOMAIN is the name's answer, so every type says it; one type's ENOTFOUND alone is not enough.
  const nxdomain = [a, aaaa, cname, mx, ns, txt].every((q) => q.nx)
  return { records, nxdomain }
}

const summaryOf = (name: string, r: Records): string => {
  const addresses = [...r.a, ...r.aaaa]
  const parts = [
    addresses.length === 0
      ? 'No address'
      : `Resolves to ${addresses.slice(0, 3).join(', ')}${addresses.length > 3 ? ` (+${addresses.length - 3})` : ''}`,
    r.cname.length > 0 ? `alias of ${r.cname[0] ?? ''}` : null,
    r.mx.length > 0 ? `mail ${r.mx[0]?.exchange ?? ''}` : null,
    r.ns.length > 0 ? `${r.ns.length} name server${r.ns.length === 1 ? '' : 's'}` : null,
  ]
  return `${name}: ${parts.filter(Boolean).join(', ')}`
}

export const dnsProvider: DirectProvider<DnsEnv> = {
  kind: 'direct',
  id: 'dns',
  label: 'DNS',
  accepts: ['domain', 'url'],
  // What the name resolves to right now, through the configured resolver.
  reliability: 'B',
  defaults: {
    enabled: false,
    // Green, not amber: the question ends at the name's own authoritative servers, which for a malicious
    // domain belong to the adversary, who sees that (and roughly from where) it is being looked at.
    maxTlp: 'green',
    // No service quota; this keeps a large run from flooding the resolver.
    rateLimit: { perMinute: 120, perDay: 20_000 },
    // Fast-flux and parked domains change within hours.
    cacheTtlHours: 6,
  },
  docsUrl: 'https://nodejs.org/api/dns.html#class-dnspromisesresolver',
  needsKey: false,
  notApplicable: (s) => {
    const reason = nonPublicReason(s)
    if (reason !== null) return reason
    return nameOf(s) === null ? 'the URL has an address, not a name, to resolve' : null
  },
  lookupKey: (s) => (s.type === 'url' ? `domain:${nameOf(s) ?? s.value}` : typeValueKey(s)),
  source: (env) =>
    env.servers.length === 0 ? 'the system resolvers' : `DNS ${env.servers.join(', ')}`,
  lookup: async (s, env, signal) => {
    const name = nameOf(s)
    if (name === null)
      throw new AppError('unsupported', `DNS looks up names, not ${s.type} '${s.value}'`)
    if (signal.aborted) throw signal.reason
    const resolver = new Resolver({
      timeout: clamp(env.timeoutMs, DNS_TIMEOUT_RANGE),
      tries: clamp(env.tries, DNS_TRIES_RANGE),
    })
    if (env.servers.length > 0)
      resolver.setServers(env.servers.map((x, i) => dnsServerAddress(x, i)))
    const cancel = () => resolver.cancel()
    signal.addEventListener('abort', cancel, { once: true })
    try {
      const { records, nxdomain } = await resolveAll(name, resolver, signal)
      const raw = { name, nxdomain, ...records }
      if (nxdomain) {
        return {
          answer: answer(
            'info',
            `${name} does not exist (NXDOMAIN)`,
            [fact('nxdomain', 'NXDOMAIN', true)],
            {
              tags: ['nxdomain'],
            },
          ),
          raw,
        }
      }
      const keys: PivotKey[] = [...records.a, ...records.aaaa].map((value) => ({
        kind: 'resolved-address',
        value,
      }))
      const list = (xs: string[]) => (xs.length > 0 ? joined(xs) : null)
      return {
        answer: answer(
          'info',
          summaryOf(name, records),
          [
            fact('a', 'A', list(records.a)),
            fact('aaaa', 'AAAA', list(records.aaaa)),
            fact('cname', 'CNAME', list(records.cname)),
            fact('mx', 'MX', list(records.mx.map((m) => `${m.priority} ${m.exchange}`))),
            fact('ns', 'NS', list(records.ns)),
            fact('txt', 'TXT', list(records.txt)),
          ],
          { keys },
        ),
        raw,
      }
    } finally {
      signal.removeEventListener('abort', cancel)
    }
  },
}
