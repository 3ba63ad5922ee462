import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startEnrichmentFixtureServer,
  type EnrichmentFixtureServer,
} from '../../../../support/enrichment-fixture-server'
import { openCore } from '../../../../support/test-core'
import { addIndicator, enrich, resultOf } from './engine-support'

let srv: EnrichmentFixtureServer
beforeAll(async () => {
  srv = await startEnrichmentFixtureServer()
})
afterAll(async () => {
  await srv.close()
})

describe('enrichment engine: RDAP through the bootstrap', () => {
  it('asks the server the bootstrap names, and skips a value no server covers instead of retrying it', async () => {
    // No fixed RDAP endpoint: the core chooses the server from the bootstrap, as in the app.
    const dir = mkdtempSync(join(tmpdir(), 'te-rdap-'))
    await srv.writeRdapBootstrap(dir)
    const t = await openCore({ dir, enrichment: { retryBaseMs: 1_000, maxAttempts: 3 } })
    try {
      await t.core.call('settings.update', { patch: { fetchAllowedHosts: ['127.0.0.1'] } })
      await t.core.call('enrichment.updateSettings', {
        patch: { auto: { enabled: false }, providers: { rdap: { enabled: true } } },
      })
      await t.core.start()
      const covered = await addIndicator(t, 'evil-c2.net')
      // The fixture bootstrap serves .net, .org and .de only.
      const uncovered = await addIndicator(t, 'payload-drop.xyz')
      await enrich(t, [covered, uncovered], ['rdap'])
      expect(await resultOf(t, covered, 'rdap')).toMatchObject({ status: 'done' })
      expect(await resultOf(t, uncovered, 'rdap')).toMatchObject({
        status: 'skipped',
        skipReason: 'not-applicable',
        attempts: 0,
      })
      expect((await resultOf(t, uncovered, 'rdap'))?.message).toMatch(/xyz/)
      expect(srv.requestsFor('rdap', 'payload-drop.xyz')).toHaveLength(0)
    } finally {
      await t.dispose()
    }
  })
})
