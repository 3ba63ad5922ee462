import type { EnrichmentLevel } from '#shared/contract/enrichment.schemas'
import type { HttpProvider, HttpReply, LookupSubject } from '../provider-types'
import {
  answer,
  fact,
  nonPublicReason,
  replyReader,
  typeValueKey,
  unsupported,
} from './provider-support'

/**
 * VirusTotal API v3 (https://docs.virustotal.com/reference/overview): one object per IP address, domain, URL
 * or file, with the latest verdict of every engine (last_analysis_stats), the community reputation and tags.
 */

const read = replyReader('virustotal')

/** Engines that must call it malicious before the verdict is malicious: one or two engines alone misfire
 * often enough (heuristic and reputation engines) that a single hit is only suspicious. */
export const VT_MALICIOUS_ENGINES = 5

/** A URL's identifier in v3: the URL in unpadded base64url (the "URL identifiers" section of the docs). */
export const vtUrlId = (url: string): string => Buffer.from(url, 'utf8').toString('base64url')

const pathOf = (s: LookupSubject): string => {
  switch (s.type) {
    case 'ip':
    case 'ipv6':
      return `/ip_addresses/${encodeURIComponent(s.value)}`
    case 'domain':
      return `/domains/${encodeURIComponent(s.value)}`
    case 'url':
      return `/urls/${vtUrlId(s.value)}`
    case 'md5':
    case 'sha1':
    case 'sha256':
      return `/files/${s.value}`
    default:
      return unsupported('virustotal', s)
  }
}

const levelOf = (malicious: number, suspicious: number): EnrichmentLevel => {
  if (malicious >= VT_MALICIOUS_ENGINES) return 'malicious'
  // No engine flagging it is not "safe": fresh infrastructure is 0/N on its first day.
  return malicious + suspicious > 0 ? 'suspicious' : 'info'
}

const parseObject = (json: unknown) => {
  const data = read.object(read.object(json, 'body').data, 'data')
  const attrs = read.object(data.attributes, 'data.attributes')
  const stats = read.object(attrs.last_analysis_stats, 'data.attributes.last_analysis_stats')
  const count = (k: string) => read.num(stats[k], `data.attributes.last_analysis_stats.${k}`)
  const malicious = count('malicious')
  const suspicious = count('suspicious')
  const harmless = count('harmless')
  const undetected = count('undetected')
  const reputation = read.optNum(attrs.reputation, 'data.attributes.reputation')
  const tags = read.optStrings(attrs.tags, 'data.attributes.tags', 50)
  const lastAnalysis = read.optNum(attrs.last_analysis_date, 'data.attributes.last_analysis_date')
  return { malicious, suspicious, harmless, undetected, reputation, tags, lastAnalysis }
}

const parse = (reply: HttpReply) => {
  if (reply.status === 404) {
    const error = read.object(read.object(reply.json, 'body').error, 'error')
    const code = read.str(error.code, 'error.code')
    if (code !== 'NotFoundError') read.mismatch('error.code', "'NotFoundError' on a 404", code)
    return answer('info', 'Not known to VirusTotal', [])
  }
  const o = parseObject(reply.json)
  const total = o.malicious + o.suspicious + o.undetected + o.harmless
  const detections = `${o.malicious}/${total}`
  const level = levelOf(o.malicious, o.suspicious)
  const flagged =
    o.suspicious > 0
      ? `${detections} engines flag it (${o.suspicious} suspicious)`
      : `${detections} engines flag it`
  const summary = o.reputation === null ? flagged : `${flagged}, reputation ${o.reputation}`
  return answer(
    level,
    summary,
    [
      fact('detections', 'Detections', detections),
      fact('malicious', 'Malicious', o.malicious),
      fact('suspicious', 'Suspicious', o.suspicious),
      fact('harmless', 'Harmless', o.harmless),
      fact('undetected', 'Undetected', o.undetected),
      fact('reputation', 'Reputation', o.reputation),
      fact(
        'lastAnalysisAt',
        'Last analysis',
        o.lastAnalysis === null ? null : new Date(o.lastAnalysis * 1000).toISOString(),
      ),
    ],
    { tags: o.tags },
  )
}

export const virustotalProvider: HttpProvider = {
  kind: 'http',
  id: 'virustotal',
  label: 'VirusTotal',
  accepts: ['ip', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256'],
  // Aggregated verdicts of many engines: usually reliable, but its engines disagree and misfire.
  reliability: 'B',
  defaults: {
    enabled: false,
    // A commercial third party that keeps what it is asked and shows it to its paying customers.
    maxTlp: 'green',
    // The public API: 4 lookups a minute, 500 a day.
    rateLimit: { perMinute: 4, perDay: 500 },
    cacheTtlHours: 24,
  },
  docsUrl: 'https://docs.virustotal.com/reference/public-vs-premium-api',
  needsKey: true,
  baseUrl: 'https://www.virustotal.com/api/v3',
  notFoundStatuses: [404],
  notApplicable: nonPublicReason,
  lookupKey: typeValueKey,
  request: (s, env) => {
    const url = `${env.baseUrl.replace(/\/+$/, '')}${pathOf(s)}`
    return {
      url,
      method: 'GET',
      headers: { 'x-apikey': env.key ?? '', accept: 'application/json' },
      redactedUrl: url,
    }
  },
  parse,
}
