import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { EnrichmentFindingSchema } from '#shared/contract/enrichment.schemas'
import { isAppError } from '#shared/contract/errors'
import { isProviderError } from '#core/enrichment/provider-types'
import {
  DNS_MAX_TXT_LENGTH,
  DNS_MAX_TXT_RECORDS,
  dnsProvider,
  dnsServerAddress,
  type DnsEnv,
} from '#core/enrichment/providers/dns.provider'
import {
  startDnsFixtureServer,
  type DnsFixtureServer,
} from '../../../../support/enrichment-dns-server'
import { factsOf, subject } from './provider-test-support'

let dns: DnsFixtureServer
beforeAll(async () => {
  dns = await startDnsFixtureServer()
})
afterAll(() => dns.close())
beforeEach(() => {
  dns.queries.length = 0
})

const env = (over: Partial<DnsEnv> = {}): DnsEnv => ({
  servers: [dns.address],
  timeoutMs: 1000,
  tries: 1,
  ...over,
})
const ask = async (type: 'domain' | 'url', value: string, e = env()) =>
  dnsProvider.lookup(subject(type, value), e, new AbortController().signal)

describe('dns', () => {
  it('resolves every record type against the configured server', async () => {
    const { answer, raw } = await ask('domain', 'evil-c2.net')
    expect(EnrichmentFindingSchema.parse(answer.finding)).toEqual(answer.finding)
    expect(answer.finding.level).toBe('info')
    expect(factsOf(answer)).toEqual({
      a: '45.155.205.233, 91.92.240.5',
      aaaa: '2a0e:97c0:3e3:1::5',
      cname: null,
      mx: '10 mx1.evil-c2.net, 20 mx2.evil-c2.net',
      ns: 'ns1.evil-c2.net, ns2.evil-c2.net',
      txt: 'v=spf1 ip4:45.155.205.0/24 -all, google-site-verification=fixture0123456789',
    })
    expect(answer.keys).toEqual([
      { kind: 'resolved-address', value: '45.155.205.233' },
      { kind: 'resolved-address', value: '91.92.240.5' },
      { kind: 'resolved-address', value: '2a0e:97c0:3e3:1::5' },
    ])
    expect(answer.finding.summary).toBe(
      'evil-c2.net: Resolves to 45.155.205.233, 91.92.240.5, 2a0e:97c0:3e3:1::5, mail mx1.evil-c2.net, 2 name servers',
    )
    expect(raw).toMatchObject({ name: 'evil-c2.net', nxdomain: false })
    expect(dns.queries.map((q) => q.type).sort()).toEqual(['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT'])
  })

  it('follows a CNAME and looks up the host of a URL', async () => {
    const { answer } = await ask('url', 'http://www.evil-c2.net/gate.php')
    expect(factsOf(answer)).toMatchObject({
      cname: 'evil-c2.net',
      a: '45.155.205.233, 91.92.240.5',
    })
    expect(answer.finding.summary).toMatch(/alias of evil-c2\.net/)
    expect(dnsProvider.lookupKey(subject('url', 'http://www.evil-c2.net/gate.php'))).toBe(
      'domain:www.evil-c2.net',
    )
  })

  it('a name with no address is not NXDOMAIN', async () => {
    const { answer } = await ask('domain', 'mail-only.evil-c2.net')
    expect(answer.finding.summary).toBe('mail-only.evil-c2.net: No address, mail mx1.evil-c2.net')
    expect(answer.keys).toEqual([])
    expect(factsOf(answer).a).toBeNull()
  })

  it('NXDOMAIN is an answer, not a failure', async () => {
    const { answer, raw } = await ask('domain', 'gone.evil-c2.net')
    expect(answer.finding).toMatchObject({
      level: 'info',
      summary: 'gone.evil-c2.net does not exist (NXDOMAIN)',
      tags: ['nxdomain'],
    })
    expect(raw).toMatchObject({ nxdomain: true, a: [] })
  })

  it('caps TXT records in count and length', async () => {
    const { answer, raw } = await ask('domain', 'chatty.evil-c2.net')
    const txt = (raw as { txt: string[] }).txt
    expect(txt).toHaveLength(DNS_MAX_TXT_RECORDS)
    expect(Math.max(...txt.map((t) => t.length))).toBe(DNS_MAX_TXT_LENGTH)
    expect(String(factsOf(answer).txt).length).toBeLessThanOrEqual(2000)
  })

  it('a silent server is a timeout, bounded by timeout × tries', async () => {
    dns.silence('slow.evil-c2.net')
    const t0 = performance.now()
    let err: unknown
    try {
      await ask('domain', 'slow.evil-c2.net', env({ timeoutMs: 200, tries: 1 }))
    } catch (e) {
      err = e
    }
    expect(isProviderError(err) && err.code).toBe('timeout')
    expect(performance.now() - t0).toBeLessThan(3000)
  })

  it('aborting cancels the queries', async () => {
    dns.silence('hang.evil-c2.net')
    const ac = new AbortController()
    const pending = dnsProvider.lookup(
      subject('domain', 'hang.evil-c2.net'),
      env({ timeoutMs: 5000, tries: 2 }),
      ac.signal,
    )
    ac.abort(new Error('stopped by the engine'))
    await expect(pending).rejects.toThrow('stopped by the engine')
  })

  it('validates the configured servers, naming the entry', () => {
    expect(dnsServerAddress('9.9.9.9')).toBe('9.9.9.9')
    expect(dnsServerAddress('127.0.0.1:5353')).toBe('127.0.0.1:5353')
    expect(dnsServerAddress('2620:fe::fe')).toBe('2620:fe::fe')
    expect(dnsServerAddress('[2620:fe::fe]:53')).toBe('[2620:fe::fe]:53')
    const reason = (s: string, i: number) => {
      try {
        dnsServerAddress(s, i)
      } catch (e) {
        if (isAppError(e)) return `${e.code}: ${e.message}`
      }
      return 'accepted'
    }
    expect(reason('dns.google', 2)).toBe(
      "invalid_input: dnsServers[2]: 'dns.google' is not an IP address (ip or ip:port)",
    )
    expect(reason('1.1.1.1:70000', 0)).toBe(
      "invalid_input: dnsServers[0]: '1.1.1.1:70000' has port '70000' (1–65535)",
    )
    expect(reason('[fe80::zz]:53', 1)).toMatch(
      /dnsServers\[1\]: '\[fe80::zz\]:53' is not an IPv6 address/,
    )
  })

  it('declares itself: names only, green ceiling, off by default, where it asks', () => {
    expect(dnsProvider.accepts).toEqual(['domain', 'url'])
    expect(dnsProvider.defaults).toMatchObject({ enabled: false, maxTlp: 'green' })
    expect(dnsProvider.source(env())).toBe(`DNS ${dns.address}`)
    expect(dnsProvider.source({ servers: [], timeoutMs: 1000, tries: 1 })).toBe(
      'the system resolvers',
    )
    expect(dnsProvider.notApplicable?.(subject('url', 'http://45.155.205.233/x'))).toMatch(
      /address, not a name/,
    )
    expect(dnsProvider.notApplicable?.(subject('domain', 'nas.home.arpa'))).toMatch(
      /'\.home\.arpa'/,
    )
    expect(dnsProvider.notApplicable?.(subject('domain', 'evil-c2.net'))).toBeNull()
  })
})
