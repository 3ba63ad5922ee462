import type { EnrichmentLevel } from '#shared/contract/enrichment.schemas'
import type { HttpProvider, HttpReply, LookupSubject } from '../provider-types'
import {
  answer,
  fact,
  joined,
  nonPublicReason,
  replyReader,
  typeValueKey,
  unsupported,
} from './provider-support'

/**
 * AlienVault OTX DirectConnect API v1, the "general" section of an indicator
 * (https://otx.alienvault.com/assets/static/external_api.html): in how many community pulses it appears, the
 * malware families those pulses name, and whether OTX's own validation whitelists it.
 */

const read = replyReader('otx')

/** Pulses needed for a malicious verdict: pulses are community posts, one can be a careless dump. */
export const OTX_MALICIOUS_PULSES = 3
const MAX_PULSES_READ = 50
const MAX_FAMILIES = 20

/**
 * The indicator section of the path. OTX tells a registered domain from a host name below it; without a
 * public-suffix list here, two labels are a domain and more are a host name (OTX answers both sections for a
 * name, so the cost of guessing 'hostname' for a.co.uk is a narrower pulse match, not an error).
 */
export const otxSection = (s: LookupSubject): string => {
  switch (s.type) {
    case 'ip':
      return 'IPv4'
    case 'ipv6':
      return 'IPv6'
    case 'domain':
      return s.value.split('.').length <= 2 ? 'domain' : 'hostname'
    case 'url':
      return 'url'
    case 'md5':
    case 'sha1':
    case 'sha256':
      return 'file'
    default:
      return unsupported('otx', s)
  }
}

/** A family is a string in pulse_info.related and an object with display_name in each pulse. */
const familyName = (v: unknown, field: string): string => {
  if (typeof v === 'string') return v
  const o = read.object(v, field)
  return read.str(o.display_name ?? o.id, `${field}.display_name`)
}

const familiesOf = (pulses: unknown[], related: Record<string, unknown> | null): string[] => {
  const out = new Set<string>()
  pulses.forEach((p, i) => {
    const fams = read.optArray(
      read.object(p, `pulse_info.pulses[${i}]`).malware_families,
      `pulse_info.pulses[${i}].malware_families`,
    )
    fams?.forEach((f, j) =>
      out.add(familyName(f, `pulse_info.pulses[${i}].malware_families[${j}]`)),
    )
  })
  for (const source of ['alienvault', 'other']) {
    const r = related && read.optObject(related[source], `pulse_info.related.${source}`)
    const fams =
      r && read.optArray(r.malware_families, `pulse_info.related.${source}.malware_families`)
    fams?.forEach((f, j) =>
      out.add(familyName(f, `pulse_info.related.${source}.malware_families[${j}]`)),
    )
  }
  return [...out].filter((f) => f.trim() !== '').slice(0, MAX_FAMILIES)
}

const tagsOfPulses = (pulses: unknown[]): string[] =>
  pulses.flatMap((p, i) =>
    read.optStrings(
      read.object(p, `pulse_info.pulses[${i}]`).tags,
      `pulse_info.pulses[${i}].tags`,
      20,
    ),
  )

const levelOf = (count: number, whitelisted: boolean): EnrichmentLevel => {
  if (whitelisted || count === 0) return 'info'
  return count >= OTX_MALICIOUS_PULSES ? 'malicious' : 'suspicious'
}

const parse = (reply: HttpReply) => {
  if (reply.status === 404) return answer('info', 'Not known to OTX', [])
  const body = read.object(reply.json, 'body')
  const info = read.object(body.pulse_info, 'pulse_info')
  const count = read.num(info.count, 'pulse_info.count')
  const pulses = read.array(info.pulses, 'pulse_info.pulses').slice(0, MAX_PULSES_READ)
  const related = read.optObject(info.related, 'pulse_info.related')
  const families = familiesOf(pulses, related)
  const validation = read.optArray(body.validation, 'validation') ?? []
  const whitelist = validation.map((v, i) => {
    const entry = read.object(v, `validation[${i}]`)
    return read.str(entry.name ?? entry.message, `validation[${i}].name`)
  })
  const whitelisted = whitelist.length > 0
  const inPulses =
    count === 0 ? 'In no OTX pulse' : `In ${count} OTX pulse${count === 1 ? '' : 's'}`
  const named = families.length > 0 ? `, ${joined(families.slice(0, 3))}` : ''
  const summary = `${inPulses}${named}${whitelisted ? ` (validated: ${whitelist[0] ?? ''})` : ''}`
  return answer(
    levelOf(count, whitelisted),
    summary,
    [
      fact('pulseCount', 'Pulses', count),
      fact('malwareFamilies', 'Malware families', families.length > 0 ? joined(families) : null),
      fact('validation', 'Validation', whitelisted ? joined(whitelist) : null),
    ],
    { tags: [...(whitelisted ? ['whitelisted'] : []), ...tagsOfPulses(pulses)] },
  )
}

export const otxProvider: HttpProvider = {
  kind: 'http',
  id: 'otx',
  label: 'AlienVault OTX',
  accepts: ['ip', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256'],
  // Community pulses, unvetted: fairly reliable in numbers, any single one may be wrong.
  reliability: 'C',
  defaults: {
    enabled: false,
    maxTlp: 'green',
    // OTX publishes no per-key quota for DirectConnect; it throttles bursts with 429. These limits stay well
    // inside what it tolerates for one analyst's workstation.
    rateLimit: { perMinute: 60, perDay: 10_000 },
    cacheTtlHours: 24,
  },
  docsUrl: 'https://otx.alienvault.com/assets/static/external_api.html',
  needsKey: true,
  baseUrl: 'https://otx.alienvault.com',
  notFoundStatuses: [404],
  notApplicable: nonPublicReason,
  lookupKey: typeValueKey,
  request: (s, env) => {
    const url = `${env.baseUrl.replace(/\/+$/, '')}/api/v1/indicators/${otxSection(s)}/${encodeURIComponent(s.value)}/general`
    return {
      url,
      method: 'GET',
      headers: { 'X-OTX-API-KEY': env.key ?? '', Accept: 'application/json' },
      redactedUrl: url,
    }
  },
  parse,
}
