import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { restCall, startTestServer, type TestServer } from './http-support'

// /api/v1 enrichment: results, run, providers, keys, settings, queue and scan jobs, snake_case in and out,
// and no key in any answer.

type Json = Record<string, unknown>
let t: TestServer
const KEY = 'rest-secret-key-0123456789'
const CAMEL = /"[a-z]+[A-Z][A-Za-z]*":/

beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

describe('REST enrichment', () => {
  it('runs a scan job on an indicator and reads its results, the job and the queue', async () => {
    const ind = await t.core.call('indicators.create', { value: '45.155.205.233' })
    const run = await restCall(t, 'POST', '/api/v1/enrichment/run', {
      target: { kind: 'indicators', ids: [ind.id] },
      providers: ['geoip', 'asn'],
      wait: true,
    })
    expect(run.status, JSON.stringify(run.body)).toBe(202)
    const scanJob = run.body?.scan_job as Json
    expect(scanJob).toMatchObject({
      status: 'succeeded',
      indicators_processed: 1,
      type: 'enrichment',
    })
    expect(JSON.stringify(run.body)).not.toMatch(CAMEL)

    const results = await restCall(t, 'GET', `/api/v1/indicators/${ind.id}/enrichment`)
    expect(results.status).toBe(200)
    const items = results.body?.items as Json[]
    expect(items.map((i) => i.provider).sort()).toEqual(['asn', 'geoip'])
    expect(items[0]).toHaveProperty('skip_reason')

    const job = await restCall(t, 'GET', `/api/v1/enrichment/scan-jobs/${String(scanJob.id)}`)
    expect(job.body).toMatchObject({ id: scanJob.id, status: 'succeeded' })
    const jobs = await restCall(t, 'GET', '/api/v1/enrichment/scan-jobs?status=succeeded&limit=5')
    expect((jobs.body?.items as Json[]).map((j) => j.id)).toContain(scanJob.id)
    const queue = await restCall(t, 'GET', '/api/v1/enrichment/queue?provider=geoip')
    expect(queue.status).toBe(200)
    expect(queue.body).toMatchObject({ offline: false })
    expect((queue.body?.items as Json[])[0]).toMatchObject({ indicator: { id: ind.id } })
    const cancel = await restCall(
      t,
      'POST',
      `/api/v1/enrichment/scan-jobs/${String(scanJob.id)}/cancel`,
    )
    expect(cancel.status).toBe(409)
  })

  it('sets a key without ever answering it, and patches settings', async () => {
    const set = await restCall(t, 'POST', '/api/v1/enrichment/providers/virustotal/key', {
      key: KEY,
    })
    expect(set.status, JSON.stringify(set.body)).toBe(200)
    expect(set.body).toMatchObject({ id: 'virustotal', needs_key: true, has_key: true })
    const providers = await restCall(t, 'GET', '/api/v1/enrichment/providers')
    const patched = await restCall(t, 'PATCH', '/api/v1/enrichment/settings', {
      offline: true,
      providers: { virustotal: { max_tlp: 'clear', rate_limit: { per_minute: 2, per_day: 10 } } },
    })
    expect(patched.status, JSON.stringify(patched.body)).toBe(200)
    expect(patched.body).toMatchObject({
      offline: true,
      providers: { virustotal: { max_tlp: 'clear', rate_limit: { per_minute: 2, per_day: 10 } } },
    })
    const settings = await restCall(t, 'GET', '/api/v1/enrichment/settings')
    expect(settings.body).toEqual(patched.body)
    for (const r of [set, providers, patched, settings])
      expect(JSON.stringify(r.body)).not.toContain(KEY)
    const badServer = await restCall(t, 'PATCH', '/api/v1/enrichment/settings', {
      dns_servers: ['resolver.example'],
    })
    expect(badServer.status, JSON.stringify(badServer.body)).toBe(400)
    expect(JSON.stringify(badServer.body)).toContain('dnsServers[0]')
  })

  it('answers 404 for an unknown indicator and scan job', async () => {
    const id = '00000000-0000-4000-8000-0000000000ee'
    expect((await restCall(t, 'GET', `/api/v1/indicators/${id}/enrichment`)).status).toBe(404)
    expect((await restCall(t, 'GET', `/api/v1/enrichment/scan-jobs/${id}`)).status).toBe(404)
  })
})
