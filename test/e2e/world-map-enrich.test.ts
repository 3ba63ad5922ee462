import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '#core/create-core'
import { NETWORK_PROVIDERS } from '#shared/contract/enrichment.schemas'
import { launchBrowser } from './support/browser'
import { EnrichmentPage } from './support/enrichment-panel.page'
import { startHttpHarness, type Harness } from './support/harness'
import { WorldMapPage } from './support/world-map.page'

/**
 * Addresses the packaged GeoIP data places (no network): 45.155.205.10 in RU, 91.92.240.5 in DE. The domain
 * is not resolved (DNS is a network provider, off here): it stays unlocated.
 */
const SEED = [
  { type: 'ip', value: '45.155.205.10', tlp: 'green' },
  { type: 'ip', value: '91.92.240.5', tlp: 'green' },
  { type: 'domain', value: 'evil-c2.net', tlp: 'green' },
] as const

/** Offline, network providers off, no automatic enrichment: the test's own run is the only one. */
const seed = async (core: Core): Promise<void> => {
  const report = await core.call('indicators.bulkCreate', { items: [...SEED] })
  expect(report.rejected).toBe(0)
  await core.call('enrichment.updateSettings', {
    patch: {
      offline: true,
      auto: { enabled: false },
      providers: Object.fromEntries(NETWORK_PROVIDERS.map((p) => [p, { enabled: false }])),
    },
  })
}

// Enriching the query from the Indicators view's toolbar while its map is shown: the map redraws from the
// results (enrichment.onDidUpdate) with the countries the packaged GeoIP data gives, end to end.
describe('the world map after enriching from the Indicators view', () => {
  let browser: Browser
  let h: Harness

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await startHttpHarness(browser, { seed })
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('shows nothing located before, and the GeoIP countries after the run', async () => {
    const map = new WorldMapPage(h.page)
    await map.toggleInIndicators({ kind: 'query', filter: {} })
    expect(await map.table()).toEqual([])
    await expect.poll(() => map.unlocated.textContent()).toBe('Located: 0 · not located: 3')

    expect(await new EnrichmentPage(h.page).enrichFromToolbar('query')).toMatch(/3/)
    await expect
      .poll(() => map.table())
      .toEqual([
        ['Germany DE', '1'],
        ['Russian Federation RU', '1'],
      ])
    await expect.poll(() => map.unlocated.textContent()).toBe('Located: 2 · not located: 1')
    expect(await map.country('RU').getAttribute('data-count')).toBe('1')
    await h.screenshot('world-map-enriched')
  })
})
