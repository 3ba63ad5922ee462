import type { ProviderId } from '#shared/contract/enrichment.schemas'
import type { Tlp } from '#shared/domain/enums'
import { openCore, type TestCore } from '../../../../support/test-core'
import {
  ENRICHMENT_FIXTURE_KEY,
  type EnrichmentFixtureServer,
} from '../../../../support/enrichment-fixture-server'
import type { createFixedClock } from '#core/platform/clock'
import type { createMemoryLogger } from '#core/platform/logger'

export type EngineCore = TestCore<
  ReturnType<typeof createFixedClock>,
  ReturnType<typeof createMemoryLogger>
>

/**
 * A real core whose network providers answer from the fixture server on 127.0.0.1: VirusTotal and Shodan
 * switched on with the fixture's key, fetches to 127.0.0.1 allowed, automatic enrichment off (a test turns it
 * on), a short retry base so backoff is a clock step.
 */
export const openEngineCore = async (
  srv: EnrichmentFixtureServer,
  /** start: false leaves the core unstarted (a recovery test starts it after looking). */
  opts: { dir?: string; start?: boolean; configure?: boolean } = {},
): Promise<EngineCore> => {
  const t = await openCore({
    dir: opts.dir,
    enrichment: {
      endpoints: {
        virustotal: srv.baseUrl('virustotal'),
        shodan: srv.baseUrl('shodan'),
        abuseipdb: srv.baseUrl('abuseipdb'),
        otx: srv.baseUrl('otx'),
        rdap: srv.baseUrl('rdap'),
      },
      rdapBootstrapUrl: `${srv.baseUrl('iana')}/rdap/`,
      retryBaseMs: 1_000,
      maxAttempts: 3,
    },
  })
  if (opts.configure !== false) {
    await t.core.call('settings.update', { patch: { fetchAllowedHosts: ['127.0.0.1'] } })
    await t.core.call('enrichment.updateSettings', {
      patch: {
        auto: { enabled: false },
        providers: { virustotal: { enabled: true }, shodan: { enabled: true } },
      },
    })
    for (const provider of ['virustotal', 'shodan'] as const)
      await t.core.call('enrichment.setKey', { provider, key: ENRICHMENT_FIXTURE_KEY })
  }
  if (opts.start !== false) await t.core.start()
  return t
}

export const addIndicator = async (t: EngineCore, value: string, tlp: Tlp = 'clear') =>
  (await t.core.call('indicators.create', { value, tlp })).id

export const resultOf = async (t: EngineCore, indicatorId: string, provider: ProviderId) =>
  (await t.core.call('enrichment.results', { indicatorId })).items.find(
    (r) => r.provider === provider,
  )

/** Runs the enrichment of some indicators to its end (the job's own end; deferred rows stay queued). */
export const enrich = async (
  t: EngineCore,
  ids: string[],
  providers: ProviderId[],
  extra: { force?: boolean; tlpOverride?: { confirm: true; reason: string } } = {},
) => {
  const out = await t.core.call('enrichment.run', {
    target: { kind: 'indicators', ids },
    providers,
    wait: true,
    ...extra,
  })
  await t.core.waitForIdle()
  return out.scanJob
}

/** Moves the clock and lets the queue look again. */
export const advance = async (t: EngineCore, ms: number) => {
  t.clock.advance(ms)
  t.core.enrichment.kick()
  await t.core.waitForIdle()
}
