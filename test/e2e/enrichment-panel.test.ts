import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '#core/create-core'
import { NETWORK_PROVIDERS } from '#shared/contract/enrichment.schemas'
import { launchBrowser } from './support/browser'
import { EnrichmentPage } from './support/enrichment-panel.page'
import {
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'
import { IndicatorsPage } from './support/indicators.page'

/**
 * Addresses the packaged GeoIP and ASN data know (no network needed): 45.155.205.10 and 45.155.204.20 share
 * AS208677 and its network range (RU); 91.92.240.5 is AS202412 (DE).
 */
const SEED = [
  { type: 'ip', value: '45.155.205.10', tlp: 'green', score: 40 },
  { type: 'ip', value: '45.155.204.20', tlp: 'green', score: 35 },
  { type: 'ip', value: '91.92.240.5', tlp: 'red', score: 30 },
] as const

/**
 * Nothing leaves the machine: offline mode, every network provider off, and no automatic enrichment (the
 * test asks for each run itself).
 */
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

const idOf = async (core: Core, value: string): Promise<string> => {
  const page = await core.call('indicators.list', { filter: { q: value }, limit: 5 })
  const row = page.items.find((i) => i.value === value)
  if (row === undefined) throw new Error(`${value} was not seeded`)
  return row.id
}

const describeEnrichment = (start: StartHarness) => {
  let browser: Browser
  let h: Harness

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, { seed })
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('enriches from the toolbar and the panel: badges, facts, the raw answer, pivots into the graph', async () => {
    const indicators = new IndicatorsPage(h.page)
    const e = new EnrichmentPage(h.page)

    // The peer first, as the selection, from the toolbar.
    await indicators.open('45.155.204[.]20')
    expect(await e.enrichFromToolbar('selection')).toMatch(/1 (of 1 )?indicators/)

    await indicators.open('45.155.205[.]10')
    await e.loaded()
    await e.panel.getByTestId('enrichment-empty').waitFor()
    await e.enrich()
    await e.waitForCard('geoip', 'done')
    await e.waitForCard('asn', 'done')
    expect(await e.providers()).toEqual(expect.arrayContaining(['geoip', 'asn']))

    await e.panel.scrollIntoViewIfNeeded()
    await h.screenshot('enrichment-badges')
    const geoip = await e.readCard('geoip')
    expect(geoip.facts.country).toBe('RU')
    expect(geoip.level).not.toBe('')
    const asn = await e.readCard('asn')
    expect(asn.facts.asn).toBe('208677')
    expect(asn.summary).toMatch(/208677/)
    await expect(e.card('asn').getByTestId('enrichment-source').textContent()).resolves.toMatch(
      /\S/,
    )

    // The raw answer is text in a bounded box: the AS number appears as written.
    expect(await e.raw('asn')).toContain('208677')
    const box = await e.card('asn').getByTestId('enrichment-raw-body').boundingBox()
    expect(box?.height ?? 0).toBeLessThanOrEqual(262)

    // Both addresses share the AS and its range; the other one, only with itself.
    const pivots = await e.pivotTexts()
    expect(pivots.asn).toMatch(/AS208677|208677/)
    expect(pivots.asn).toMatch(/: 1$/)
    expect(await e.openPivot('asn')).toEqual(['45.155.204[.]20'])
    await h.screenshot('enrichment-panel')

    const graph = await e.openPivotInGraph('asn', 2)
    expect(Number(await graph.getAttribute('data-edges'))).toBeGreaterThanOrEqual(1)
    // The peer itself is on the canvas, found by its (defanged) value.
    await graph.getByTestId('graph-find').fill('45.155.204')
    expect(await graph.getByTestId('graph-find-hit').getAttribute('data-ref')).toBe(
      await idOf(h.core, '45.155.204.20'),
    )
    await graph.getByTestId('graph-find').fill('')
    await h.screenshot('enrichment-pivot-graph')
  })

  it('re-runs past the cache and keeps the result live', async () => {
    const indicators = new IndicatorsPage(h.page)
    const e = new EnrichmentPage(h.page)
    await h.page.getByTestId('nav-indicators').click()
    await indicators.waitReady()
    await indicators.open('45.155.205[.]10')
    await e.loaded()
    await e.waitForCard('geoip', 'done')
    await e.rerun()
    await e.waitForCard('geoip', 'done')
    expect((await e.readCard('geoip')).facts.country).toBe('RU')
  })

  it('switches offline mode and a provider, keeps keys write-only and names the field in errors', async () => {
    const e = new EnrichmentPage(h.page)
    await e.openSettings()

    await e.setOffline(false)
    expect((await h.core.call('enrichment.getSettings', {})).offline).toBe(false)
    await e.setOffline(true)
    expect((await h.core.call('enrichment.getSettings', {})).offline).toBe(true)

    await e.setProviderEnabled('virustotal', true)
    expect((await h.core.call('enrichment.getSettings', {})).providers.virustotal?.enabled).toBe(
      true,
    )

    expect(await e.setKey('virustotal', 'e2e-not-a-real-key')).toBe('key set')
    // Write-only: the field empties and the page never holds the key.
    expect(await e.provider('virustotal').getByTestId('enrichment-provider-key').inputValue()).toBe(
      '',
    )
    expect(await h.page.content()).not.toContain('e2e-not-a-real-key')
    const vt = (await h.core.call('enrichment.providers', {})).items.find(
      (p) => p.id === 'virustotal',
    )
    expect(vt?.hasKey).toBe(true)

    expect(await e.savePerMinute('virustotal', '0')).toMatch(/^Per minute: /)
    expect(await e.savePerMinute('virustotal', '3')).toBeNull()
    expect(
      (await h.core.call('enrichment.getSettings', {})).providers.virustotal?.rateLimit.perMinute,
    ).toBe(3)
    await e.settings.scrollIntoViewIfNeeded()
    await h.screenshot('enrichment-settings')

    await e.setProviderEnabled('virustotal', false)
  })

  it('does not send above a TLP ceiling, and sends once after a confirmed, reasoned override', async () => {
    const indicators = new IndicatorsPage(h.page)
    const e = new EnrichmentPage(h.page)
    // RDAP needs no key; offline mode keeps an overridden request in the queue, off the network.
    await h.core.call('enrichment.updateSettings', {
      patch: { offline: true, providers: { rdap: { enabled: true, maxTlp: 'green' } } },
    })
    await h.page.getByTestId('nav-indicators').click()
    await indicators.waitReady()
    await indicators.open('91.92.240[.]5')
    await e.enrich()
    await e.waitForCard('geoip', 'done')
    expect((await e.readCard('geoip')).facts.country).toBe('DE')
    await e.waitForCard('rdap', 'skipped')
    expect(await e.skipReason('rdap')).toMatch(
      /^not sent: TLP:RED is above RDAP.*’s ceiling TLP:GREEN$/,
    )

    const { enabledBeforeTick } = await e.overrideTlp('rdap', 'e2e: analyst needs the registrar')
    expect(enabledBeforeTick).toBe(false)
    await e.waitForCard('rdap', 'queued')
    await h.screenshot('enrichment-tlp-override')
    const id = await idOf(h.core, '91.92.240.5')
    const rdap = (await h.core.call('enrichment.results', { indicatorId: id })).items.find(
      (r) => r.provider === 'rdap',
    )
    expect(rdap?.tlpOverride).toBe(true)
  })

  it('shows the queue per provider and the scan jobs', async () => {
    const e = new EnrichmentPage(h.page)
    await e.openQueue()
    expect(await e.queueCount('geoip', 'done')).toBeGreaterThanOrEqual(2)
    expect(await e.queueCount('asn', 'done')).toBeGreaterThanOrEqual(2)
    // Four runs: the toolbar's, the panel's Enrich and Re-run, the TLP page's Enrich; then the override.
    const statuses = await e.scanJobStatuses()
    expect(statuses.filter((s) => s === 'succeeded').length).toBeGreaterThanOrEqual(4)
    // The overridden RDAP request waits in the offline queue.
    expect(await e.queueCount('rdap', 'queued')).toBe(1)
    expect(await e.queueCount('rdap', 'skipped:tlp')).toBe(0)
    await h.screenshot('enrichment-queue')
  })
}

describe('enrichment in the browser over HTTP', () => {
  describeEnrichment(startHttpHarness)
})

describe('enrichment in the desktop renderer over the IPC bridge', () => {
  describeEnrichment(startIpcHarness)
})
