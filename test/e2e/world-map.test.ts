import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { seedGeo, type GeoSeed } from '../support/world-map-fixture'
import { launchBrowser } from './support/browser'
import type { Harness, StartHarness } from './support/harness'
import { startHttpHarness, startIpcHarness } from './support/harness'
import { IndicatorsPage } from './support/indicators.page'
import { ReportsPage } from './support/reports.page'
import { WorldMapPage } from './support/world-map.page'

/** The "none" fill, as computed: the light theme's --surface-3. */
const EMPTY_FILL = 'rgb(230, 233, 238)'

// The world map with seeded enrichment keys (test/support/world-map-fixture.ts): the Indicators view's Map
// toggle over the current query, and a report's map, in the browser build over HTTP and over the IPC bridge.
const describeWorldMap = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let seed: GeoSeed
  let map: WorldMapPage
  let indicators: IndicatorsPage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, {
      seed: async (core) => {
        seed = await seedGeo(core)
      },
    })
    map = new WorldMapPage(h.page)
    indicators = new IndicatorsPage(h.page)
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('colours the countries of the current query, with a legend, the table and the unlocated count', async () => {
    await map.toggleInIndicators({ kind: 'query', filter: {} })
    expect(await map.country('NL').getAttribute('data-count')).toBe('5')
    expect(await map.country('RU').getAttribute('data-count')).toBe('2')
    // The most hosting country is the darkest class; one without indicators is drawn as "none".
    expect(await map.fillOf('NL')).toBe('rgb(128, 0, 38)')
    expect(await map.fillOf('RU')).not.toBe(EMPTY_FILL)
    expect(await map.fillOf('BR')).toBe(EMPTY_FILL)
    expect(await map.table()).toEqual([
      ['Netherlands NL', '5'],
      ['Germany DE', '2'],
      ['Russian Federation RU', '2'],
      ['France FR', '1'],
      ['Singapore SG', '1'],
      ['United States of America US', '1'],
    ])
    await expect.poll(() => map.unlocated.textContent()).toBe('Located: 11 · not located: 3')
    // Singapore has no shape at this scale: it is a dot, in the scale's colour, and nothing is left off.
    expect(await map.country('SG').getAttribute('class')).toContain('dot')
    expect(await map.fillOf('SG')).not.toBe(EMPTY_FILL)
    expect(await map.panel.getByText('Not on the map').count()).toBe(0)
    // A small country without indicators gets no dot.
    expect(await map.country('MT').count()).toBe(0)
    await h.screenshot('world-map-indicators')
  })

  it('names the country and its count on hover, and on keyboard focus in order of count', async () => {
    await map.country('NL').hover()
    await expect.poll(() => map.tooltip.textContent()).toBe('Netherlands: 5 indicators')
    await h.screenshot('world-map-tooltip')
    await map.country('NL').focus()
    await h.page.keyboard.press('Tab')
    await expect
      .poll(() => h.page.evaluate(() => document.activeElement?.getAttribute('data-country')))
      .toBe('DE')
    await expect.poll(() => map.tooltip.textContent()).toBe('Germany: 2 indicators')
    await h.page.keyboard.press('Tab')
    await expect.poll(() => map.tooltip.textContent()).toBe('Russian Federation: 2 indicators')
    expect(await map.country('RU').getAttribute('aria-label')).toBe(
      'Russian Federation: 2 indicators',
    )
    await h.page.keyboard.press('Escape')
    await map.tooltip.waitFor({ state: 'detached' })
  })

  it('keeps the scale and draws the countries without indicators in the dark theme', async () => {
    await indicators.setTheme('dark')
    expect(await map.fillOf('BR')).toBe('rgb(37, 44, 54)')
    expect(await map.fillOf('NL')).toBe('rgb(128, 0, 38)')
    await h.screenshot('world-map-dark')
    await indicators.setTheme('light')
    expect(await map.fillOf('BR')).toBe(EMPTY_FILL)
  })

  it('follows the query: a search narrows the map to what it matches', async () => {
    await indicators.search('evil')
    await map.waitFor({ kind: 'query', filter: { q: 'evil' } })
    expect(await map.table()).toEqual([
      ['Netherlands NL', '1'],
      ['Russian Federation RU', '1'],
      ['United States of America US', '1'],
    ])
    await indicators.search('')
    await map.waitFor({ kind: 'query', filter: {} })
  })

  it("draws a report's map on the report", async () => {
    const reports = new ReportsPage(h.page)
    await reports.open()
    await reports.row('Spring C2 infrastructure').click()
    await h.page
      .locator(`[data-testid="report-editor"][data-state="ready"][data-id="${seed.report}"]`)
      .waitFor()
    await map.openOnReport(seed.report)
    expect(await map.table()).toEqual([
      ['Russian Federation RU', '2'],
      ['Germany DE', '1'],
      ['Netherlands NL', '1'],
    ])
    await expect.poll(() => map.unlocated.textContent()).toBe('Located: 3 · not located: 1')
    await map.panel.scrollIntoViewIfNeeded()
    await h.screenshot('world-map-report')
  })
}

describe('world map in a browser over HTTP', () => {
  describeWorldMap(startHttpHarness)
})

describe('world map over the IPC bridge', () => {
  describeWorldMap(startIpcHarness)
})
