import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  ENRICHMENT_FIXTURE_KEY,
  startEnrichmentFixtureServer,
  type EnrichmentFixtureServer,
} from '../../../../support/enrichment-fixture-server'
import { T0 } from '../../../../support/test-core'
import {
  addIndicator,
  advance,
  enrich,
  openEngineCore,
  resultOf,
  type EngineCore,
} from './engine-support'

const THREAT_IP = '45.155.205.233'
const OTHER_IP = '91.92.240.5'

let srv: EnrichmentFixtureServer
const open: EngineCore[] = []
const core = async () => {
  const t = await openEngineCore(srv)
  open.push(t)
  return t
}

beforeAll(async () => {
  srv = await startEnrichmentFixtureServer()
})
afterEach(async () => {
  srv.reset()
  for (const t of open.splice(0)) await t.dispose()
})
afterAll(async () => {
  await srv.close()
})

describe('enrichment engine', () => {
  it('answers local providers inline and network ones through the queue, and writes the signal', async () => {
    const t = await core()
    const id = await addIndicator(t, THREAT_IP)
    const job = await enrich(t, [id], ['geoip', 'asn', 'virustotal'])
    expect(job).toMatchObject({ status: 'succeeded', indicatorsProcessed: 1, indicatorsTotal: 1 })
    // The job waits for the requests it queued that may run now: VirusTotal's verdict is its first threat.
    expect(job.newThreats).toBe(1)
    const vt = await resultOf(t, id, 'virustotal')
    expect(vt).toMatchObject({ status: 'done', cached: false, tlpOverride: false, attempts: 1 })
    expect(vt?.finding?.level).toBe('malicious')
    expect(srv.requestsFor('virustotal', THREAT_IP)).toHaveLength(1)
    const geo = await resultOf(t, id, 'geoip')
    expect(geo?.status === 'done' || geo?.status === 'skipped').toBe(true)
    const signal = t.core.db.sqlite
      .prepare('SELECT enrichment_signal FROM indicators WHERE id = ?')
      .pluck()
      .get(id) as string
    expect(JSON.parse(signal)).toMatchObject({
      verdicts: [{ provider: 'virustotal', level: 'malicious' }],
    })
    const raw = await t.core.call('enrichment.raw', { indicatorId: id, provider: 'virustotal' })
    expect(raw.truncated).toBe(false)
    expect(raw.url).toContain(THREAT_IP)
    expect(JSON.parse(raw.raw)).toHaveProperty('data')
  })

  it('serves a fresh cached answer without a request, and asks again when forced', async () => {
    const t = await core()
    const a = await addIndicator(t, THREAT_IP)
    await enrich(t, [a], ['virustotal'])
    t.clock.advance(60 * 60_000)
    await enrich(t, [a], ['virustotal'])
    expect(srv.requestsFor('virustotal')).toHaveLength(1)
    expect(await resultOf(t, a, 'virustotal')).toMatchObject({ status: 'done', cached: true })
    t.clock.advance(60_000)
    await enrich(t, [a], ['virustotal'], { force: true })
    expect(srv.requestsFor('virustotal')).toHaveLength(2)
    expect(await resultOf(t, a, 'virustotal')).toMatchObject({ status: 'done', cached: false })
    // Past the TTL (24 hours by default) the cache no longer answers.
    t.clock.advance(25 * 3_600_000)
    await enrich(t, [a], ['virustotal'])
    expect(srv.requestsFor('virustotal')).toHaveLength(3)
  })

  it('keeps an indicator above the ceiling at home, and sends it once on a confirmed override', async () => {
    const t = await core()
    const id = await addIndicator(t, THREAT_IP, 'amber')
    await enrich(t, [id], ['virustotal'])
    const skipped = await resultOf(t, id, 'virustotal')
    expect(skipped).toMatchObject({ status: 'skipped', skipReason: 'tlp' })
    expect(skipped?.message).toContain('TLP:AMBER')
    expect(skipped?.message).toContain('TLP:GREEN')
    expect(srv.requests).toHaveLength(0)

    const reason = 'incident 42: need the verdict now'
    await enrich(t, [id], ['virustotal'], { tlpOverride: { confirm: true, reason } })
    expect(await resultOf(t, id, 'virustotal')).toMatchObject({ status: 'done', tlpOverride: true })
    expect(srv.requestsFor('virustotal', THREAT_IP)).toHaveLength(1)
    const log = await t.core.call('audit.list', { entity: 'indicator', limit: 10 })
    const entry = log.items.find((e) => JSON.stringify(e.changes).includes('enrichmentTlpOverride'))
    expect(entry).toBeDefined()
    expect(entry?.changes).toMatchObject({
      enrichmentTlpOverride: { indicators: [id], providers: ['virustotal'], reason },
    })
    expect(entry?.method).toBe('enrichment.run')

    // The override was for that request only: the next run is gated again.
    t.clock.advance(2 * 24 * 3_600_000)
    await enrich(t, [id], ['virustotal'])
    expect(await resultOf(t, id, 'virustotal')).toMatchObject({
      status: 'skipped',
      skipReason: 'tlp',
    })
  })

  it('defers a spent minute to the next one, and skips a spent day as budget', async () => {
    const t = await core()
    await t.core.call('enrichment.updateSettings', {
      patch: { providers: { virustotal: { rateLimit: { perMinute: 1, perDay: 2 } } } },
    })
    const a = await addIndicator(t, THREAT_IP)
    const b = await addIndicator(t, OTHER_IP)
    const c = await addIndicator(t, 'evil-c2.net')
    await enrich(t, [a, b], ['virustotal'])
    const results = [await resultOf(t, a, 'virustotal'), await resultOf(t, b, 'virustotal')]
    expect(results.map((r) => r?.status).sort()).toEqual(['done', 'queued'])
    expect(srv.requestsFor('virustotal')).toHaveLength(1)
    const providers = await t.core.call('enrichment.providers', {})
    expect(providers.items.find((p) => p.id === 'virustotal')?.used).toEqual({ minute: 1, day: 1 })

    await advance(t, 60_000)
    expect(await resultOf(t, b, 'virustotal')).toMatchObject({ status: 'done' })
    expect(srv.requestsFor('virustotal')).toHaveLength(2)

    await advance(t, 60_000)
    await enrich(t, [c], ['virustotal'])
    const spent = await resultOf(t, c, 'virustotal')
    expect(spent).toMatchObject({ status: 'skipped', skipReason: 'budget' })
    expect(spent?.message).toContain('2025-11-22T00:00:00.000Z')
    expect(srv.requestsFor('virustotal')).toHaveLength(2)
    const queue = await t.core.call('enrichment.queue', { skipReason: 'budget' })
    expect(queue.counts.virustotal).toMatchObject({ done: 2, skipped: 1, 'skipped:budget': 1 })
    expect(queue.items.map((i) => i.indicator.value)).toEqual(['evil-c2.net'])
  })

  it("honours a 429's Retry-After before asking again", async () => {
    const t = await core()
    srv.setMode('rate-limited', { provider: 'virustotal', retryAfter: '7' })
    const id = await addIndicator(t, THREAT_IP)
    await enrich(t, [id], ['virustotal'])
    const waiting = await resultOf(t, id, 'virustotal')
    expect(waiting).toMatchObject({ status: 'queued', attempts: 0 })
    expect(waiting?.message).toContain(new Date(new Date(T0).getTime() + 7_000).toISOString())
    srv.reset()
    await advance(t, 6_000)
    expect(srv.requestsFor('virustotal')).toHaveLength(0)
    await advance(t, 1_000)
    expect(await resultOf(t, id, 'virustotal')).toMatchObject({ status: 'done' })
  })

  it('retries an unavailable service with backoff, then fails and counts it on the job', async () => {
    const t = await core()
    srv.setMode('server-error', { provider: 'virustotal' })
    const id = await addIndicator(t, THREAT_IP)
    const job = await enrich(t, [id], ['virustotal'])
    expect(await resultOf(t, id, 'virustotal')).toMatchObject({ status: 'queued', attempts: 1 })
    await advance(t, 999)
    expect(srv.requestsFor('virustotal')).toHaveLength(1)
    await advance(t, 1)
    expect(await resultOf(t, id, 'virustotal')).toMatchObject({ status: 'queued', attempts: 2 })
    await advance(t, 2_000)
    const failed = await resultOf(t, id, 'virustotal')
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 })
    expect(failed?.message).toContain('gave up after 3 attempts')
    expect(srv.requestsFor('virustotal')).toHaveLength(3)
    const after = await t.core.call('enrichment.scanJob', { id: job.id })
    expect(after.errors).toBe(1)
    expect(after.errorSamples[0]).toContain('gave up after 3 attempts')
  })

  it('fails at once on a refused key or garbage, naming why', async () => {
    const t = await core()
    const a = await addIndicator(t, THREAT_IP)
    srv.setMode('unauthorized', { provider: 'virustotal' })
    await enrich(t, [a], ['virustotal'])
    const refused = await resultOf(t, a, 'virustotal')
    expect(refused).toMatchObject({ status: 'failed', attempts: 1 })
    expect(refused?.message).toContain('401')
    srv.setMode('garbage', { provider: 'virustotal' })
    await enrich(t, [a], ['virustotal'], { force: true })
    expect(await resultOf(t, a, 'virustotal')).toMatchObject({ status: 'failed' })
  })

  it('keeps requests queued while offline and runs them when it is switched off', async () => {
    const t = await core()
    await t.core.call('enrichment.updateSettings', { patch: { offline: true } })
    const id = await addIndicator(t, THREAT_IP)
    const job = await enrich(t, [id], ['geoip', 'virustotal'])
    expect(job.status).toBe('succeeded')
    expect(await resultOf(t, id, 'virustotal')).toMatchObject({ status: 'queued' })
    expect(srv.requests).toHaveLength(0)
    const queue = await t.core.call('enrichment.queue', { status: 'queued' })
    expect(queue.offline).toBe(true)
    expect(queue.total).toBe(1)

    await t.core.call('enrichment.updateSettings', { patch: { offline: false } })
    await t.core.waitForIdle()
    expect(await resultOf(t, id, 'virustotal')).toMatchObject({ status: 'done' })
    expect(srv.requestsFor('virustotal')).toHaveLength(1)
  })

  it('never lets a key out: not in results, raw, URLs, answers or the log', async () => {
    const t = await core()
    const id = await addIndicator(t, THREAT_IP)
    await enrich(t, [id], ['virustotal', 'shodan'])
    expect(await resultOf(t, id, 'shodan')).toMatchObject({ status: 'done' })
    // Shodan takes its key in the query string: what is stored is the URL without it.
    const shodanRaw = await t.core.call('enrichment.raw', { indicatorId: id, provider: 'shodan' })
    expect(shodanRaw.url).not.toBeNull()
    const answers = [
      await t.core.call('enrichment.results', { indicatorId: id }),
      shodanRaw,
      await t.core.call('enrichment.raw', { indicatorId: id, provider: 'virustotal' }),
      await t.core.call('enrichment.providers', {}),
      await t.core.call('enrichment.getSettings', {}),
      await t.core.call('enrichment.queue', {}),
      await t.core.call('audit.list', { entity: 'settings', limit: 50 }),
    ]
    for (const a of answers) expect(JSON.stringify(a)).not.toContain(ENRICHMENT_FIXTURE_KEY)
    const stored = t.core.db.sqlite
      .prepare(
        'SELECT raw, raw_url FROM enrichment_results UNION ALL SELECT body, url FROM enrichment_cache',
      )
      .all()
    expect(JSON.stringify(stored)).not.toContain(ENRICHMENT_FIXTURE_KEY)
    expect(t.logger.lines.join('\n')).not.toContain(ENRICHMENT_FIXTURE_KEY)
    const vt = (await t.core.call('enrichment.providers', {})).items.find(
      (p) => p.id === 'virustotal',
    )
    expect(vt).toMatchObject({ needsKey: true, hasKey: true })
  })

  it('enriches new high-score indicators automatically, in an auto-enrichment job', async () => {
    const t = await core()
    await t.core.call('enrichment.updateSettings', {
      patch: { auto: { enabled: true, minScore: 0 } },
    })
    const id = await addIndicator(t, THREAT_IP)
    await t.core.waitForIdle()
    const jobs = await t.core.call('enrichment.scanJobs', {})
    expect(jobs.items).toHaveLength(1)
    expect(jobs.items[0]).toMatchObject({
      type: 'auto-enrichment',
      status: 'succeeded',
      actor: 'core',
    })
    expect(await resultOf(t, id, 'virustotal')).toMatchObject({ status: 'done' })
  })
})

describe('enrichment engine: RDAP', () => {
  it('asks RDAP through the engine and writes the domain age the score reads', async () => {
    const t = await core()
    await t.core.call('enrichment.updateSettings', {
      patch: { providers: { rdap: { enabled: true } } },
    })
    const id = await addIndicator(t, 'evil-c2.net')
    await enrich(t, [id], ['rdap'])
    const rdap = await resultOf(t, id, 'rdap')
    expect(rdap).toMatchObject({ status: 'done' })
    const age = rdap?.finding?.facts.find((f) => f.key === 'domainAgeDays')?.value
    expect(typeof age).toBe('number')
    const signal = t.core.db.sqlite
      .prepare('SELECT enrichment_signal FROM indicators WHERE id = ?')
      .pluck()
      .get(id) as string
    expect(JSON.parse(signal)).toMatchObject({ domainAgeDays: age })
  })

  it('refuses a bootstrap refresh that fails its checks, keeping the files it had', async () => {
    const t = await core()
    srv.setMode('not-found', { provider: 'iana' })
    const e = await t.core.call('enrichment.refreshBootstrap', {}).then(
      () => null,
      (err: unknown) => err,
    )
    expect(e).toMatchObject({ code: 'upstream_failed' })
    expect(srv.requestsFor('iana')).toHaveLength(1)
  })
})
