import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import { buildConnector } from 'undici'
import { FETCH_ALLOWED_HOSTS } from '#shared/contract/settings.contract'
import { specialRangeOf, type AddressRange } from './address-ranges'
import { FeedFetchError } from './fetch-error'

/**
 * The targets a download may connect to. Absent (desktop, CLI, feeds the user set up in the app): any.
 * Present (a URL that came over the HTTP API): public addresses only, plus the hosts the user allowed in
 * the settings (`fetchAllowedHosts`), which may be names (any address they resolve to) or IP addresses.
 */
export type TargetPolicy = {
  allowedHosts: readonly string[]
  /** Every address of a name; default the system resolver (dns.lookup, all families). Tests pass theirs. */
  resolve?: (hostname: string, family: 0 | 4 | 6, hints?: number) => Promise<LookupAddress[]>
}

const systemResolve = (hostname: string, family: 0 | 4 | 6, hints?: number) =>
  new Promise<LookupAddress[]>((resolve, reject) => {
    const all: LookupAllOptions = { all: true, family, hints }
    dnsLookup(hostname, all, (err, addresses) => (err ? reject(err) : resolve(addresses)))
  })

/** A host as the URL parser spells it (lower case, IPv4 in dotted quads, IPv6 without brackets). */
export const normaliseHost = (host: string): string => {
  const trimmed = host.trim().replace(/\.$/, '')
  const bracketed = isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed
  try {
    return new URL(`http://${bracketed}/`).hostname.replace(/^\[(.*)\]$/, '$1')
  } catch {
    return trimmed.toLowerCase()
  }
}

const allowed = (policy: TargetPolicy, host: string): boolean => {
  const wanted = normaliseHost(host)
  return policy.allowedHosts.some((h) => normaliseHost(h) === wanted)
}

const refusal = (host: string, address: string, range: AddressRange): FeedFetchError => {
  const via = normaliseHost(host) === normaliseHost(address) ? '' : ` resolves to ${address}, which`
  return new FeedFetchError(
    'forbidden-target',
    `${host}${via} is a ${range} address: a call over the HTTP API may not fetch from loopback, private, link-local, multicast or other special-purpose addresses. To allow this host, run "threateye settings allow-host ${normaliseHost(host)}" on this machine (the ${FETCH_ALLOWED_HOSTS} setting, which the HTTP API cannot change).`,
    { host: normaliseHost(host), address, range },
  )
}

/** The refusal for connecting to `address` (which `host` resolved to), or undefined when it may. */
export const checkTarget = (
  policy: TargetPolicy,
  host: string,
  address: string,
): FeedFetchError | undefined => {
  const range = specialRangeOf(address)
  if (range === undefined || allowed(policy, host) || allowed(policy, address)) return undefined
  return refusal(host, address, range)
}

// RFC 6761: every name under .localhost is the machine itself, whatever a resolver says.
const LOCALHOST = /(^|\.)localhost\.?$/i

/**
 * The check that needs no DNS: an IP literal in a special range or a `localhost` name. Handlers run it on
 * the URL an API caller gives so the call is refused at once; the connect-time check covers names.
 */
export const precheckUrl = (
  policy: TargetPolicy,
  url: string | URL,
): FeedFetchError | undefined => {
  let host: string
  try {
    host = new URL(String(url)).hostname.replace(/^\[(.*)\]$/, '$1')
  } catch {
    return undefined
  }
  if (isIP(host) !== 0) return checkTarget(policy, host, host)
  if (LOCALHOST.test(host)) return checkTarget(policy, host, '127.0.0.1')
  return undefined
}

/**
 * A `lookup` for net.connect that resolves every address of the name and refuses the connection when any
 * of them is in a special range: the check happens on the very answer the socket connects to, so a DNS
 * answer that changes after an earlier check (rebinding) is caught too.
 */
export const guardedLookup =
  (policy: TargetPolicy): LookupFunction =>
  (hostname, options, callback) => {
    const family =
      options.family === 'IPv4' || options.family === 4
        ? 4
        : options.family === 'IPv6' || options.family === 6
          ? 6
          : 0
    const resolve = policy.resolve ?? systemResolve
    resolve(hostname, family, options.hints).then(
      (addresses) => {
        for (const a of addresses) {
          const refused = checkTarget(policy, hostname, a.address)
          if (refused) return callback(refused, [])
        }
        if (options.all) return callback(null, addresses)
        const first = addresses[0]
        if (!first) {
          const none: NodeJS.ErrnoException = new Error(`${hostname}: no address`)
          none.code = 'ENOTFOUND'
          return callback(none, [])
        }
        callback(null, first.address, first.family)
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    )
  }

/**
 * undici's connector with the policy: IP literals are judged before connecting (net.connect skips `lookup`
 * for them), names through guardedLookup.
 */
export const guardedConnector = (
  policy: TargetPolicy,
  options: buildConnector.BuildOptions,
): buildConnector.connector => {
  const connect = buildConnector({ ...options, lookup: guardedLookup(policy) })
  return (opts, callback) => {
    const host = opts.hostname.replace(/^\[(.*)\]$/, '$1')
    if (isIP(host) !== 0) {
      const refused = checkTarget(policy, host, host)
      if (refused) {
        callback(refused, null)
        return
      }
    }
    connect(opts, callback)
  }
}
