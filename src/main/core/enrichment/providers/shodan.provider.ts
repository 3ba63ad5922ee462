import type { HttpProvider, HttpReply } from '../provider-types'
import {
  answer,
  fact,
  joined,
  nonPublicReason,
  replyReader,
  typeValueKey,
} from './provider-support'

/**
 * Shodan host information (https://developer.shodan.io/api, GET /shodan/host/{ip}): what its scanners saw on
 * an address (open ports, software, known vulnerabilities), who announces it and its host names.
 */

const read = replyReader('shodan')
const MAX_LISTED = 50

const parse = (reply: HttpReply) => {
  const body = read.object(reply.json, 'body')
  if (reply.status === 404) {
    const error = read.str(body.error, 'error')
    if (!/no information/i.test(error))
      read.mismatch('error', "'No information available' on a 404", error)
    return answer('info', 'Not seen by Shodan', [])
  }
  const ports = read
    .array(body.ports, 'ports')
    .slice(0, MAX_LISTED)
    .map((p, i) => read.num(p, `ports[${i}]`))
    .sort((a, b) => a - b)
  // The host's vulns are a list of CVE ids; a banner's are an object keyed by them. Only the host's is read.
  const vulns = read.optStrings(body.vulns, 'vulns', MAX_LISTED)
  const org = read.optStr(body.org, 'org')
  const isp = read.optStr(body.isp, 'isp')
  const os = read.optStr(body.os, 'os')
  const hostnames = read.optStrings(body.hostnames, 'hostnames', MAX_LISTED)
  const tags = read.optStrings(body.tags, 'tags', MAX_LISTED)
  const lastUpdate = read.optStr(body.last_update, 'last_update')
  const open =
    ports.length === 0
      ? 'no open ports'
      : `ports ${joined(ports.slice(0, 8))}${ports.length > 8 ? '…' : ''}`
  const known =
    vulns.length === 0
      ? ''
      : `, ${vulns.length} known vulnerabilit${vulns.length === 1 ? 'y' : 'ies'}`
  return answer(
    // Known vulnerabilities say the host is exposed, not that it is hostile: worth a look, never a verdict.
    vulns.length > 0 ? 'suspicious' : 'info',
    `${open}${known}${org ? ` (${org})` : ''}`,
    [
      fact('ports', 'Open ports', ports.length > 0 ? joined(ports) : null),
      fact('vulns', 'Vulnerabilities', vulns.length > 0 ? joined(vulns) : null),
      fact('org', 'Organisation', org),
      fact('isp', 'ISP', isp),
      fact('os', 'Operating system', os),
      fact('hostnames', 'Host names', hostnames.length > 0 ? joined(hostnames) : null),
      fact('lastUpdate', 'Last scanned', lastUpdate),
    ],
    { tags },
  )
}

export const shodanProvider: HttpProvider = {
  kind: 'http',
  id: 'shodan',
  label: 'Shodan',
  accepts: ['ip', 'ipv6'],
  // What its own scanners observed: reliable facts, possibly days old.
  reliability: 'B',
  defaults: {
    enabled: false,
    maxTlp: 'green',
    // The API allows one request a second; host lookups spend no query credits, so the day's cap is ours.
    rateLimit: { perMinute: 60, perDay: 1000 },
    cacheTtlHours: 72,
  },
  docsUrl: 'https://developer.shodan.io/api',
  needsKey: true,
  baseUrl: 'https://api.shodan.io',
  notFoundStatuses: [404],
  notApplicable: nonPublicReason,
  lookupKey: typeValueKey,
  request: (s, env) => {
    const base = `${env.baseUrl.replace(/\/+$/, '')}/shodan/host/${encodeURIComponent(s.value)}`
    return {
      url: `${base}?key=${encodeURIComponent(env.key ?? '')}`,
      method: 'GET',
      headers: { Accept: 'application/json' },
      // Shodan takes the key only in the query string: what is stored and shown has none.
      redactedUrl: base,
    }
  },
  parse,
}
