/**
 * A DNS server on 127.0.0.1:<random port> (dns2's UDP server, and its TCP server on the same port for answers
 * too large for UDP, which the resolver retries over TCP) answering from a zone, for the DNS enrichment
 * provider's tests. The provider's env takes `srv.address` as one of its servers.
 *
 *   const dns = await startDnsFixtureServer()           // DNS_FIXTURE_ZONE unless a zone is given
 *   dnsProvider.lookup(subject('domain', 'evil-c2.net'), { servers: [dns.address], timeoutMs: 500, tries: 1 }, signal)
 *   dns.silence('slow.evil-c2.net')                     // never answers that name (a timeout)
 *   dns.queries                                         // [{ name, type }] in arrival order ('A', 'MX' ...)
 *   await dns.close()
 *
 * A name not in the zone is NXDOMAIN; a name in it without records of the asked type is an empty NOERROR
 * (NODATA). A name with a CNAME answers A and AAAA queries with the alias and the target's addresses.
 */
import type { Socket } from 'node:net'
import dns2 from 'dns2'

const { Packet } = dns2

export type ZoneRecords = {
  A?: string[]
  AAAA?: string[]
  CNAME?: string
  MX?: { priority: number; exchange: string }[]
  NS?: string[]
  /** Each record is one or more character-strings (long SPF records are split in 255-byte pieces). */
  TXT?: string[][]
}
export type DnsZone = Record<string, ZoneRecords>

export const DNS_FIXTURE_ZONE: DnsZone = {
  'evil-c2.net': {
    A: ['45.155.205.233', '91.92.240.5'],
    AAAA: ['2a0e:97c0:3e3:1::5'],
    MX: [
      { priority: 20, exchange: 'mx2.evil-c2.net' },
      { priority: 10, exchange: 'mx1.evil-c2.net' },
    ],
    NS: ['ns2.evil-c2.net', 'ns1.evil-c2.net'],
    TXT: [['v=spf1 ip4:45.155.205.0/24 -all'], ['google-site-verification=', 'fixture0123456789']],
  },
  'www.evil-c2.net': { CNAME: 'evil-c2.net' },
  'mail-only.evil-c2.net': { MX: [{ priority: 5, exchange: 'mx1.evil-c2.net' }] },
  'chatty.evil-c2.net': {
    A: ['45.155.205.7'],
    TXT: Array.from({ length: 14 }, (_, i) => [`record-${i}-${'x'.repeat(200)}`, 'y'.repeat(100)]),
  },
}

export type DnsFixtureServer = {
  /** "127.0.0.1:PORT", as settings dnsServers take it. */
  address: string
  queries: { name: string; type: string }[]
  silence(name: string): void
  close(): Promise<void>
}

const TYPE_NAMES = new Map<number, string>(Object.entries(Packet.TYPE).map(([k, v]) => [v, k]))
/** RFC 1035 RCODE 3 (dns2's typings do not declare Packet.RCODE). */
const NXDOMAIN = 3

export const startDnsFixtureServer = async (
  zone: DnsZone = DNS_FIXTURE_ZONE,
): Promise<DnsFixtureServer> => {
  const queries: DnsFixtureServer['queries'] = []
  const silent = new Set<string>()
  const handle: dns2.DnsHandler = (request, send) => {
    const response = Packet.createResponseFromRequest(request)
    const [q] = request.questions
    if (!q) return void send(response)
    const name = q.name.toLowerCase().replace(/\.$/, '')
    const type = TYPE_NAMES.get(q.type) ?? String(q.type)
    queries.push({ name, type })
    if (silent.has(name)) return
    const records = zone[name]
    if (!records) {
      response.header.rcode = NXDOMAIN
      return void send(response)
    }
    const rr = (owner: string, t: number, data: Partial<dns2.Packet.Resource>) =>
      response.answers.push(
        Packet.createResourceFromQuestion(q, {
          name: owner,
          type: t,
          class: Packet.CLASS.IN,
          ttl: 300,
          ...data,
        }),
      )
    const addresses = (owner: string, r: ZoneRecords) => {
      if (type === 'A') for (const address of r.A ?? []) rr(owner, Packet.TYPE.A, { address })
      if (type === 'AAAA')
        for (const address of r.AAAA ?? []) rr(owner, Packet.TYPE.AAAA, { address })
    }
    if (records.CNAME && type !== 'CNAME' && (type === 'A' || type === 'AAAA')) {
      rr(name, Packet.TYPE.CNAME, { domain: records.CNAME })
      const target = zone[records.CNAME]
      if (target) addresses(records.CNAME, target)
    }
    addresses(name, records)
    if (type === 'CNAME' && records.CNAME) rr(name, Packet.TYPE.CNAME, { domain: records.CNAME })
    if (type === 'MX') for (const mx of records.MX ?? []) rr(name, Packet.TYPE.MX, mx)
    if (type === 'NS') for (const ns of records.NS ?? []) rr(name, Packet.TYPE.NS, { ns })
    if (type === 'TXT') for (const data of records.TXT ?? []) rr(name, Packet.TYPE.TXT, { data })
    void send(response)
  }
  const udp = dns2.createUDPServer(handle)
  await udp.listen(0, '127.0.0.1')
  const { port } = udp.address()
  const tcp = dns2.createTCPServer(handle)
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject)
    tcp.listen(port, '127.0.0.1', resolve)
  })
  const sockets = new Set<Socket>()
  tcp.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  return {
    address: `127.0.0.1:${port}`,
    queries,
    silence: (name) => silent.add(name.toLowerCase()),
    close: async () => {
      for (const s of sockets) s.destroy()
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ])
    },
  }
}
