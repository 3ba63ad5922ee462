import { afterEach, describe, expect, it } from 'vitest'
import { ENRICHMENT_FIXTURE_KEY } from '../../../../support/enrichment-fixture-server'
import { openCore, type TestCore } from '../../../../support/test-core'

// A name that never resolves (RFC 6761 reserves .invalid): what a machine without DNS sees for every service.
const HOST = 'enrichment-engine.invalid'

let t: TestCore | null = null
afterEach(async () => {
  await t?.dispose()
  t = null
})

describe('enrichment with the network unreachable', () => {
  it('keeps the request queued as if offline, spending no attempt', async () => {
    t = await openCore({
      start: true,
      enrichment: { endpoints: { virustotal: `http://${HOST}/api/v3` }, retryBaseMs: 1_000 },
    })
    await t.core.call('settings.update', { patch: { fetchAllowedHosts: [HOST] } })
    await t.core.call('enrichment.updateSettings', {
      patch: { providers: { virustotal: { enabled: true } } },
    })
    await t.core.call('enrichment.setKey', { provider: 'virustotal', key: ENRICHMENT_FIXTURE_KEY })
    const { id } = await t.core.call('indicators.create', { value: '45.155.205.233', tlp: 'clear' })
    await t.core.call('enrichment.run', {
      target: { kind: 'indicators', ids: [id] },
      providers: ['virustotal'],
      wait: true,
    })
    await t.core.waitForIdle()
    const vt = (await t.core.call('enrichment.results', { indicatorId: id })).items[0]
    expect(vt).toMatchObject({ provider: 'virustotal', status: 'queued', attempts: 0 })
    expect(vt?.message).toContain('network unreachable')
  })
})
