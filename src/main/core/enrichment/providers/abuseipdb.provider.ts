import type { EnrichmentLevel } from '#shared/contract/enrichment.schemas'
import type { HttpProvider, HttpReply } from '../provider-types'
import { answer, fact, nonPublicReason, replyReader, typeValueKey } from './provider-support'

/**
 * AbuseIPDB API v2, the CHECK endpoint (https://docs.abuseipdb.com/#check-endpoint): how many reports an
 * address has had in the last 90 days and the service's confidence that it is abusive (0–100).
 */

const read = replyReader('abuseipdb')

/** The window of reports the score covers: the endpoint's own default and its documented maximum is 365. */
export const ABUSEIPDB_MAX_AGE_DAYS = 90

/**
 * Confidence thresholds: AbuseIPDB suggests blocking from a high confidence only; a quarter means several
 * independent reporters, worth a look but not a verdict.
 */
export const ABUSEIPDB_MALICIOUS_SCORE = 75
export const ABUSEIPDB_SUSPICIOUS_SCORE = 25

const levelOf = (score: number, whitelisted: boolean | null): EnrichmentLevel => {
  if (score >= ABUSEIPDB_MALICIOUS_SCORE) return 'malicious'
  if (score >= ABUSEIPDB_SUSPICIOUS_SCORE) return 'suspicious'
  return whitelisted === true && score === 0 ? 'safe' : 'info'
}

const parse = (reply: HttpReply) => {
  const data = read.object(read.object(reply.json, 'body').data, 'data')
  const score = read.num(data.abuseConfidenceScore, 'data.abuseConfidenceScore')
  if (score < 0 || score > 100)
    read.mismatch('data.abuseConfidenceScore', 'within 0–100', String(score))
  const totalReports = read.num(data.totalReports, 'data.totalReports')
  const distinctUsers = read.optNum(data.numDistinctUsers, 'data.numDistinctUsers')
  const isp = read.optStr(data.isp, 'data.isp')
  const usageType = read.optStr(data.usageType, 'data.usageType')
  const isTor = read.optBool(data.isTor, 'data.isTor')
  const whitelisted = read.optBool(data.isWhitelisted, 'data.isWhitelisted')
  const countryCode = read.optStr(data.countryCode, 'data.countryCode')
  const domain = read.optStr(data.domain, 'data.domain')
  const lastReportedAt = read.optStr(data.lastReportedAt, 'data.lastReportedAt')
  const reports =
    totalReports === 0
      ? 'no reports'
      : `${totalReports} report${totalReports === 1 ? '' : 's'}${distinctUsers === null ? '' : ` from ${distinctUsers} users`}`
  const summary = `Confidence ${score}%, ${reports} in ${ABUSEIPDB_MAX_AGE_DAYS} days${isTor === true ? ', Tor exit' : ''}`
  return answer(
    levelOf(score, whitelisted),
    summary,
    [
      fact('abuseConfidenceScore', 'Abuse confidence', score),
      fact('totalReports', 'Reports', totalReports),
      fact('numDistinctUsers', 'Distinct reporters', distinctUsers),
      fact('isp', 'ISP', isp),
      fact('usageType', 'Usage type', usageType),
      fact('isTor', 'Tor exit', isTor),
      fact('isWhitelisted', 'Whitelisted', whitelisted),
      fact('countryCode', 'Country', countryCode),
      fact('domain', 'Domain', domain),
      fact('lastReportedAt', 'Last reported', lastReportedAt),
    ],
    {
      tags: [...(isTor === true ? ['tor'] : []), ...(whitelisted === true ? ['whitelisted'] : [])],
    },
  )
}

export const abuseipdbProvider: HttpProvider = {
  kind: 'http',
  id: 'abuseipdb',
  label: 'AbuseIPDB',
  accepts: ['ip', 'ipv6'],
  // Reports from a community of reporters, weighed by the service: fairly reliable, not vetted one by one.
  reliability: 'C',
  defaults: {
    enabled: false,
    maxTlp: 'green',
    // The free plan: 1,000 checks a UTC day. No per-minute limit is documented; 60 spreads a burst.
    rateLimit: { perMinute: 60, perDay: 1000 },
    cacheTtlHours: 24,
  },
  docsUrl: 'https://www.abuseipdb.com/pricing',
  needsKey: true,
  baseUrl: 'https://api.abuseipdb.com/api/v2',
  notFoundStatuses: [],
  notApplicable: nonPublicReason,
  lookupKey: typeValueKey,
  request: (s, env) => {
    const query = new URLSearchParams({
      ipAddress: s.value,
      maxAgeInDays: String(ABUSEIPDB_MAX_AGE_DAYS),
    })
    const url = `${env.baseUrl.replace(/\/+$/, '')}/check?${query.toString()}`
    return {
      url,
      method: 'GET',
      headers: { Key: env.key ?? '', Accept: 'application/json' },
      redactedUrl: url,
    }
  },
  parse,
}
