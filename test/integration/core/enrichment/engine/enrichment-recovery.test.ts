import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startEnrichmentFixtureServer,
  type EnrichmentFixtureServer,
} from '../../../../support/enrichment-fixture-server'
import { T0 } from '../../../../support/test-core'
import { addIndicator, openEngineCore, resultOf } from './engine-support'

const THREAT_IP = '45.155.205.233'
const JOB_ID = '00000000-0000-4000-8000-0000000000e1'

let srv: EnrichmentFixtureServer
beforeAll(async () => {
  srv = await startEnrichmentFixtureServer()
})
afterAll(async () => {
  await srv.close()
})

describe('enrichment job recovery', () => {
  it('resumes a job a stopped core left running, without asking again what it had settled', async () => {
    const a = await openEngineCore(srv)
    srv.setMode('slow', { value: THREAT_IP, delayMs: 60_000 })
    const id = await addIndicator(a, THREAT_IP)
    const batched = new Promise<void>((resolve) => {
      a.core.events.on('enrichment.onDidScanJob', (e) => {
        if (e.scanJob.indicatorsProcessed === 1) resolve()
      })
    })
    const { scanJob } = await a.core.call('enrichment.run', {
      target: { kind: 'indicators', ids: [id] },
      providers: ['geoip', 'asn', 'virustotal'],
    })
    await batched
    await a.core.stop()
    srv.reset()

    // The secrets of a test core live in memory: the next one is given the key again.
    const b = await openEngineCore(srv, { dir: a.dir, start: false })
    try {
      expect(await b.core.call('enrichment.scanJob', { id: scanJob.id })).toMatchObject({
        status: 'running',
        indicatorsProcessed: 1,
      })
      const asnBefore = await resultOf(b, id, 'asn')
      b.clock.advance(3_600_000)
      await b.core.start()
      await b.core.waitForIdle()
      const done = await b.core.call('enrichment.scanJob', { id: scanJob.id })
      expect(done).toMatchObject({ status: 'succeeded', newThreats: 1 })
      const vt = await resultOf(b, id, 'virustotal')
      expect(vt).toMatchObject({ status: 'done' })
      expect(vt?.fetchedAt).toBe(new Date(new Date(T0).getTime() + 3_600_000).toISOString())
      // Settled before the stop: not asked again.
      expect(await resultOf(b, id, 'asn')).toEqual(asnBefore)
      expect(srv.requestsFor('virustotal', THREAT_IP)).toHaveLength(1)
    } finally {
      await b.dispose()
    }
  })

  it('closes a job whose stored input cannot be read, saying so', async () => {
    const a = await openEngineCore(srv, { start: false })
    try {
      await a.core.db.writes.run('test.brokenJob', () => {
        a.core.db.sqlite
          .prepare(
            `INSERT INTO scan_jobs (id, type, status, target, input, providers, actor, created_at)
             VALUES (?, 'enrichment', 'running', '1 indicator', 'not json', '[]', 'analyst', ?)`,
          )
          .run(JOB_ID, T0)
      })
      await a.core.start()
      await a.core.waitForIdle()
      const job = await a.core.call('enrichment.scanJob', { id: JOB_ID })
      expect(job.status).toBe('failed')
      expect(job.errorSamples.join(' ')).toContain('stored input cannot be read')
    } finally {
      await a.dispose()
    }
  })
})

describe('enrichment job cancel', () => {
  it('cancels a running job; what it stored stays, what waited is closed', async () => {
    const t = await openEngineCore(srv)
    try {
      await t.core.call('enrichment.updateSettings', {
        patch: { providers: { virustotal: { rateLimit: { perMinute: 1, perDay: 100 } } } },
      })
      srv.setMode('slow', { value: THREAT_IP, delayMs: 2_000 })
      const a = await addIndicator(t, THREAT_IP)
      const b = await addIndicator(t, '91.92.240.5')
      const batched = new Promise<void>((resolve) => {
        t.core.events.on('enrichment.onDidScanJob', (e) => {
          if (e.scanJob.indicatorsProcessed === 2) resolve()
        })
      })
      const { scanJob } = await t.core.call('enrichment.run', {
        target: { kind: 'indicators', ids: [a, b] },
        providers: ['geoip', 'virustotal'],
      })
      await batched
      const cancelled = await t.core.call('enrichment.cancelScanJob', { id: scanJob.id })
      expect(cancelled.status).toBe('cancelled')
      await t.core.waitForIdle()
      const statuses = [await resultOf(t, a, 'virustotal'), await resultOf(t, b, 'virustotal')].map(
        (r) => r?.status,
      )
      // One was asked (or being asked) before the cancel; the one waiting for the next minute is closed.
      expect(statuses).toContain('failed')
      expect(await resultOf(t, a, 'geoip')).toBeDefined()
      const again = await t.core.call('enrichment.scanJob', { id: scanJob.id })
      expect(again.status).toBe('cancelled')
    } finally {
      srv.reset()
      await t.dispose()
    }
  })
})
