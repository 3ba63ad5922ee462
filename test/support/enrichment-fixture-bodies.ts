/**
 * What the enrichment fixture server answers (enrichment-fixture-server.ts): which fixture file answers which
 * value, and each provider's documented bodies for not found, refused, rate-limited and unknown values.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const ENRICHMENT_FIXTURE_KEY = 'fixture-api-key-0123456789'
export const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'enrichment')
/** The bootstrap files ThreatEye ships: what the fake IANA serves unless told otherwise (answerWith). */
export const SHIPPED_BOOTSTRAP_DIR = join(
  __dirname,
  '..',
  '..',
  'resources',
  'enrichment',
  'rdap-bootstrap',
)

export type FixtureProvider = 'virustotal' | 'abuseipdb' | 'otx' | 'shodan' | 'rdap' | 'iana'
export type RdapBootstrapFixture = Record<'dns' | 'ipv4' | 'ipv6' | 'asn', BootstrapFile>
type BootstrapFile = {
  description: string
  publication: string
  version: string
  services: [string[], string[]][]
}

export const FIXTURE_SHA256 = '1bd2a096f952db2ac9ea36bcb6c2f925033a9362433c30d7bd4c157faa90e69e'

/** Which fixture file answers which value, per provider (the files' own ids and addresses agree). */
export const ENRICHMENT_FIXTURES: Record<
  Exclude<FixtureProvider, 'iana'>,
  Record<string, string>
> = {
  virustotal: {
    '45.155.205.233': 'ip-address.json',
    '91.92.240.5': 'ip-address-low.json',
    'evil-c2.net': 'domain.json',
    'http://evil-c2.net/gate.php': 'url.json',
    [FIXTURE_SHA256]: 'file.json',
  },
  abuseipdb: {
    '45.155.205.233': 'check-reported.json',
    '91.92.240.5': 'check-some.json',
    '2a0e:97c0:3e3:1::5': 'check-ipv6-clean.json',
  },
  otx: {
    '45.155.205.233': 'ipv4-general.json',
    'evil-c2.net': 'domain-general.json',
    'example-cdn.de': 'domain-whitelisted.json',
    [FIXTURE_SHA256]: 'file-general.json',
  },
  shodan: { '45.155.205.233': 'host-vulnerable.json', '91.92.240.5': 'host-plain.json' },
  rdap: {
    'evil-c2.net': 'domain-young.json',
    'registered-long-ago.org': 'domain-old.json',
    '45.155.205.233': 'ip-network.json',
    '45.155.205.0/24': 'ip-network.json',
    '91.92.240.5': 'ip-network-range.json',
    '2a0e:97c0:3e3:1::5': 'ipv6-network.json',
    '49505': 'autnum.json',
  },
}

export const readFixture = (provider: string, file: string): unknown =>
  JSON.parse(readFileSync(join(FIXTURE_DIR, provider, file), 'utf8')) as unknown

/** Which provider and value a request is about. */
export type Routed = { provider: FixtureProvider; value: string; key: string | null }

export const notFoundBody = (p: FixtureProvider): unknown => {
  switch (p) {
    case 'abuseipdb':
      return { errors: [{ detail: 'Not Found', status: 404 }] }
    case 'iana':
      return { errorCode: 404, title: 'Not Found' }
    default:
      return readFixture(p, 'not-found.json')
  }
}

export const refusal = (p: FixtureProvider): [number, unknown] => {
  switch (p) {
    case 'virustotal':
      return [401, readFixture('virustotal', 'wrong-credentials.json')]
    case 'abuseipdb':
      return [401, readFixture('abuseipdb', 'unauthorized.json')]
    case 'otx':
      return [403, readFixture('otx', 'forbidden.json')]
    default:
      return [401, readFixture('shodan', 'unauthorized.json')]
  }
}

export const quotaBody = (p: FixtureProvider): unknown => {
  switch (p) {
    case 'virustotal':
      return readFixture('virustotal', 'quota-exceeded.json')
    case 'abuseipdb':
      return readFixture('abuseipdb', 'rate-limited.json')
    case 'otx':
      return { detail: 'Request was throttled.' }
    case 'shodan':
      return { error: 'Rate limit reached (1/second)' }
    default:
      return {
        errorCode: 429,
        title: 'Too Many Requests',
        description: ['Query rate limit exceeded'],
      }
  }
}

/** What the service says about a value it has no record of (AbuseIPDB and OTX: an empty record). */
export const unknownAnswer = (r: Routed): [number, unknown] => {
  if (r.provider === 'abuseipdb') {
    const v6 = r.value.includes(':')
    return [
      200,
      {
        data: {
          ipAddress: r.value,
          isPublic: true,
          ipVersion: v6 ? 6 : 4,
          isWhitelisted: null,
          abuseConfidenceScore: 0,
          countryCode: null,
          usageType: null,
          isp: null,
          domain: null,
          hostnames: [],
          isTor: false,
          totalReports: 0,
          numDistinctUsers: 0,
          lastReportedAt: null,
        },
      },
    ]
  }
  if (r.provider === 'otx') {
    return [
      200,
      {
        indicator: r.value,
        pulse_info: { count: 0, pulses: [], references: [], related: {} },
        false_positive: [],
        validation: [],
        sections: ['general'],
      },
    ]
  }
  return [404, notFoundBody(r.provider)]
}

export const bootstrapFor = (origin: string): RdapBootstrapFixture => {
  const base = [`${origin}/rdap/`]
  const file = (what: string, services: string[][]): BootstrapFile => ({
    description: `RDAP bootstrap file for ${what} (test fixture: every service is the fixture server)`,
    publication: '2026-12-01T00:00:00Z',
    version: '1.0',
    services: services.map((entries): [string[], string[]] => [entries, base]),
  })
  return {
    dns: file('Domain Name System registrations', [['net', 'org'], ['de']]),
    ipv4: file('IPv4 address allocations', [['45.0.0.0/8', '91.0.0.0/8']]),
    ipv6: file('IPv6 address allocations', [['2a00::/12']]),
    asn: file('Autonomous System Number allocations', [['49152-65535', '1-1876']]),
  }
}
