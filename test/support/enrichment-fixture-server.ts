/**
 * One real HTTP server on 127.0.0.1:<random port> that answers as VirusTotal v3, AbuseIPDB v2, AlienVault OTX,
 * Shodan, RDAP and IANA's RDAP bootstrap do, from the documented response shapes in
 * test/fixtures/enrichment/<provider>/*.json, and misbehaves on request.
 *
 *   const srv = await startEnrichmentFixtureServer()
 *   const env = { key: ENRICHMENT_FIXTURE_KEY, baseUrl: srv.baseUrl('virustotal') }   // an HttpEnv
 *   srv.rdapBootstrap                     // { dns, ipv4, ipv6, asn } in IANA's format, every service = srv
 *   await srv.writeRdapBootstrap(dataDir) // as a refreshed bootstrap there: a core on dataDir asks srv for RDAP
 *                                         // (.net .org .de, 45/8 91/8, 2a00::/12, AS 1-1876 and 49152-65535)
 *   srv.setMode('rate-limited', { provider: 'virustotal', retryAfter: '7' })   // that provider only
 *   srv.setMode('slow', { value: '45.155.205.233', delayMs: 500 })            // that value, any provider
 *   srv.setMode('garbage')                                                    // everything
 *   srv.answerWith('otx', 'evil-c2.net', 200, { pulse_info: 'nope' })         // a wrong shape, by value
 *   srv.requestsFor('virustotal')         // [{ provider, value, method, path, headers }] in arrival order
 *   srv.reset()                           // modes and custom answers off, the log emptied
 *   await srv.close()                     // also cuts open connections (slow answers in flight)
 *
 * Paths (each provider has its own prefix, so one server is all of them; baseUrl(p) includes it):
 *   virustotal  {base}/ip_addresses/{ip} /domains/{d} /urls/{base64url id} /files/{hash}   x-apikey header
 *   abuseipdb   {base}/check?ipAddress=…&maxAgeInDays=…                                   Key header
 *   otx         {base}/api/v1/indicators/{section}/{value}/general                         X-OTX-API-KEY header
 *   shodan      {base}/shodan/host/{ip}?key=…                                              key in the query
 *   rdap        {base}domain/{name} ip/{address}[/{len}] autnum/{n}                        no key
 *   iana        {base}/rdap/{dns,ipv4,ipv6,asn}.json (the shipped files, for refresh tests)  no key
 * A wrong or missing key gets the provider's documented refusal (401; OTX 403). A value without a fixture gets
 * what the service answers for an unknown value: VirusTotal, Shodan and RDAP a 404 in their error shape,
 * AbuseIPDB and OTX an empty record (they answer for every public address or name).
 *
 * Modes (last setMode wins; a value's mode beats a provider's, which beats the global one):
 *   ok            the fixture (the default)
 *   not-found     404 with the provider's not-found body
 *   unauthorized  401 (OTX 403) with the provider's refusal body
 *   rate-limited  429 with Retry-After (default '2') and the provider's quota body
 *   server-error  500 with a short text body
 *   slow          the fixture after delayMs (default 1000)
 *   garbage       200 with an HTML body (not JSON)
 *   huge          200 with a valid JSON body of hugeBytes (default 8 MiB), streamed
 */
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { join } from 'node:path'
import { refreshedRdapBootstrapDir } from '#core/enrichment/providers/rdap-bootstrap'
import {
  bootstrapFor,
  ENRICHMENT_FIXTURES,
  notFoundBody,
  quotaBody,
  readFixture,
  refusal,
  SHIPPED_BOOTSTRAP_DIR,
  unknownAnswer,
  ENRICHMENT_FIXTURE_KEY,
  type FixtureProvider,
  type RdapBootstrapFixture,
  type Routed,
} from './enrichment-fixture-bodies'

export {
  ENRICHMENT_FIXTURE_KEY,
  ENRICHMENT_FIXTURES,
  FIXTURE_DIR,
  FIXTURE_SHA256,
  readFixture,
  SHIPPED_BOOTSTRAP_DIR,
  type FixtureProvider,
  type RdapBootstrapFixture,
} from './enrichment-fixture-bodies'

export type FixtureMode =
  | 'ok'
  | 'not-found'
  | 'unauthorized'
  | 'rate-limited'
  | 'server-error'
  | 'slow'
  | 'garbage'
  | 'huge'
export type ModeOptions = {
  provider?: FixtureProvider
  value?: string
  retryAfter?: string
  delayMs?: number
  hugeBytes?: number
}
export type LoggedLookup = {
  provider: FixtureProvider
  value: string
  method: string
  path: string
  headers: IncomingHttpHeaders
}
export type EnrichmentFixtureServer = {
  origin: string
  baseUrl(provider: FixtureProvider): string
  rdapBootstrap: RdapBootstrapFixture
  writeRdapBootstrap(dataDir: string): Promise<void>
  setMode(mode: FixtureMode, opts?: ModeOptions): void
  answerWith(provider: FixtureProvider, value: string, status: number, body: unknown): void
  reset(): void
  requests: LoggedLookup[]
  requestsFor(provider: FixtureProvider, value?: string): LoggedLookup[]
  close(): Promise<void>
}

const header = (h: IncomingHttpHeaders, name: string): string | null => {
  const v = h[name]
  return typeof v === 'string' ? v : null
}

const decodeVtId = (collection: string, id: string): string =>
  collection === 'urls' ? Buffer.from(id, 'base64url').toString('utf8') : decodeURIComponent(id)

/** Which provider and value a request is about, or null for a path no provider has. */
const route = (url: URL, h: IncomingHttpHeaders): Routed | null => {
  const p = url.pathname
  let m = /^\/virustotal\/api\/v3\/(ip_addresses|domains|urls|files)\/([^/]+)$/.exec(p)
  if (m) {
    const [, collection = '', id = ''] = m
    return { provider: 'virustotal', value: decodeVtId(collection, id), key: header(h, 'x-apikey') }
  }
  if (p === '/abuseipdb/api/v2/check') {
    const ip = url.searchParams.get('ipAddress') ?? ''
    return { provider: 'abuseipdb', value: ip, key: header(h, 'key') }
  }
  m = /^\/otx\/api\/v1\/indicators\/[^/]+\/([^/]+)\/general$/.exec(p)
  if (m)
    return {
      provider: 'otx',
      value: decodeURIComponent(m[1] ?? ''),
      key: header(h, 'x-otx-api-key'),
    }
  m = /^\/shodan\/shodan\/host\/([^/]+)$/.exec(p)
  if (m) {
    const value = decodeURIComponent(m[1] ?? '')
    return { provider: 'shodan', value, key: url.searchParams.get('key') }
  }
  m = /^\/rdap\/(?:domain|ip|autnum)\/(.+)$/.exec(p)
  if (m) return { provider: 'rdap', value: decodeURIComponent(m[1] ?? '').toLowerCase(), key: null }
  m = /^\/iana\/rdap\/(dns|ipv4|ipv6|asn)\.json$/.exec(p)
  if (m) return { provider: 'iana', value: m[1] ?? '', key: null }
  return null
}

const needsKey = (p: FixtureProvider): boolean => p !== 'rdap' && p !== 'iana'

const send = (
  res: ServerResponse,
  p: FixtureProvider,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  const text = JSON.stringify(body)
  const type = p === 'rdap' ? 'application/rdap+json' : 'application/json'
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

type ModeRule = { mode: FixtureMode; opts: ModeOptions }

const DEFAULT_HUGE = 8 * 1024 * 1024

const streamHuge = (res: ServerResponse, bytes: number): void => {
  const head = '{"data":{"pad":"'
  const tail = '"}}'
  const padding = Math.max(0, bytes - head.length - tail.length)
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': head.length + padding + tail.length,
  })
  res.write(head)
  const chunk = Buffer.alloc(64 * 1024, 'x')
  let left = padding
  const pump = (): void => {
    while (left > 0) {
      const n = Math.min(left, chunk.length)
      left -= n
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump)
        return
      }
    }
    res.end(tail)
  }
  pump()
}

export const startEnrichmentFixtureServer = async (
  opts: { key?: string } = {},
): Promise<EnrichmentFixtureServer> => {
  const key = opts.key ?? ENRICHMENT_FIXTURE_KEY
  const requests: LoggedLookup[] = []
  const rules: ModeRule[] = []
  const custom = new Map<string, { status: number; body: unknown }>()
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()

  const modeFor = (r: Routed): ModeRule | undefined => {
    const rank = (rule: ModeRule): number =>
      (rule.opts.value === undefined ? 0 : 2) + (rule.opts.provider === undefined ? 0 : 1)
    const applies = (rule: ModeRule): boolean =>
      (rule.opts.value === undefined || rule.opts.value === r.value) &&
      (rule.opts.provider === undefined || rule.opts.provider === r.provider)
    let best: ModeRule | undefined
    for (const rule of rules) if (applies(rule) && (!best || rank(rule) >= rank(best))) best = rule
    return best
  }

  const answer = (res: ServerResponse, r: Routed): void => {
    const own = custom.get(`${r.provider}\u0000${r.value}`)
    if (own) return send(res, r.provider, own.status, own.body)
    if (r.provider === 'iana') {
      const text = readFileSync(join(SHIPPED_BOOTSTRAP_DIR, `${r.value}.json`))
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length })
      res.end(text)
      return
    }
    const file = ENRICHMENT_FIXTURES[r.provider][r.value]
    if (file) return send(res, r.provider, 200, readFixture(r.provider, file))
    const [status, body] = unknownAnswer(r)
    send(res, r.provider, status, body)
  }

  const handle = (res: ServerResponse, r: Routed): void => {
    const rule = modeFor(r)
    const mode = rule?.mode ?? 'ok'
    switch (mode) {
      case 'ok':
        break
      case 'not-found':
        return send(res, r.provider, 404, notFoundBody(r.provider))
      case 'unauthorized': {
        const [status, body] = refusal(r.provider)
        return send(res, r.provider, status, body)
      }
      case 'rate-limited':
        return send(res, r.provider, 429, quotaBody(r.provider), {
          'retry-after': rule?.opts.retryAfter ?? '2',
        })
      case 'server-error':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal server error')
        return
      case 'slow': {
        const t = setTimeout(() => {
          timers.delete(t)
          if (!res.destroyed) answer(res, r)
        }, rule?.opts.delayMs ?? 1000)
        timers.add(t)
        return
      }
      case 'garbage':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway<hr>')
        return
      case 'huge':
        return streamHuge(res, rule?.opts.hugeBytes ?? DEFAULT_HUGE)
    }
    if (needsKey(r.provider) && r.key !== key) {
      const [status, body] = refusal(r.provider)
      return send(res, r.provider, status, body)
    }
    answer(res, r)
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const r = route(url, req.headers)
    if (!r) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`no enrichment fixture route ${url.pathname}`)
      return
    }
    requests.push({
      provider: r.provider,
      value: r.value,
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      headers: req.headers,
    })
    handle(res, r)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const bootstrap = bootstrapFor(origin)
  const bases: Record<FixtureProvider, string> = {
    virustotal: `${origin}/virustotal/api/v3`,
    abuseipdb: `${origin}/abuseipdb/api/v2`,
    otx: `${origin}/otx`,
    shodan: `${origin}/shodan`,
    rdap: `${origin}/rdap/`,
    iana: `${origin}/iana`,
  }
  return {
    origin,
    baseUrl: (p) => bases[p],
    rdapBootstrap: bootstrap,
    writeRdapBootstrap: async (dataDir) => {
      const dir = refreshedRdapBootstrapDir(dataDir)
      await mkdir(dir, { recursive: true })
      for (const [registry, file] of Object.entries(bootstrap)) {
        await writeFile(join(dir, `${registry}.json`), JSON.stringify(file))
      }
    },
    setMode: (mode, o = {}) => {
      rules.push({ mode, opts: o })
    },
    answerWith: (provider, value, status, body) => {
      custom.set(`${provider}\u0000${value}`, { status, body })
    },
    reset: () => {
      rules.length = 0
      custom.clear()
      requests.length = 0
    },
    requests,
    requestsFor: (provider, value) =>
      requests.filter((r) => r.provider === provider && (value === undefined || r.value === value)),
    close: async () => {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())))
    },
  }
}
