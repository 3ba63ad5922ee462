import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import type { Harness, StartHarness } from './harness'
import { IndicatorsPage } from './indicators.page'
import { seedIndicators } from './seed'

export const SEEDED_ROWS = 100_000
const PAGE_SIZE = 200
/** The store keeps at most this many rows in memory (MAX_LOADED_PAGES × PAGE_SIZE in indicators.store.ts). */
const RESIDENT_LIMIT = 40 * PAGE_SIZE
/** 1280×800 shows ~20 rows; with overscan a few dozen row elements, whatever the table's length. */
const MAX_ROW_ELEMENTS = 60

/** A table of 100,000 rows: only keyset pages near the viewport are fetched, only visible rows are in the DOM. */
export const describePaging = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let ui: IndicatorsPage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, { seed: (core) => seedIndicators(core, SEEDED_ROWS) })
    ui = new IndicatorsPage(h.page)
    await h.open()
  }, 300_000)

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('shows the total of 100,000 but loads only the first page', async () => {
    await ui.waitForTotal('100,000 indicators')
    expect(await ui.loadedRowCount()).toBe(PAGE_SIZE)
    expect(await ui.rows.count()).toBeLessThanOrEqual(MAX_ROW_ELEMENTS)
    await h.screenshot('table-100k-light')
  })

  it('pages through the table by scrolling, keeping the DOM and memory bounded', async () => {
    let loaded = await ui.loadedRowCount()
    // Past the resident limit, so the first pages must have been evicted.
    while (loaded < RESIDENT_LIMIT + 5 * PAGE_SIZE) {
      const next = await ui.scrollToBottomAndWaitForMore()
      expect(next).toBe(loaded + PAGE_SIZE)
      loaded = next
      expect(await ui.rows.count()).toBeLessThanOrEqual(MAX_ROW_ELEMENTS)
    }
    const indexes = await ui.renderedIndexes()
    // The viewport stays where the last page was asked for: just above the page that arrived.
    expect(Math.max(...indexes)).toBeGreaterThanOrEqual(loaded - PAGE_SIZE - MAX_ROW_ELEMENTS)
    expect(Math.min(...indexes)).toBeGreaterThan(RESIDENT_LIMIT)
    expect(Number(await ui.table.getAttribute('data-resident-rows'))).toBeLessThanOrEqual(
      RESIDENT_LIMIT,
    )
    await ui.waitForTotal('100,000 indicators')

    // The rows shown deep down are the ones the core has at that position of the same order.
    const deepest = Math.max(...indexes)
    const shownId = await h.page
      .locator(`[data-testid="indicator-row"][data-index="${deepest}"]`)
      .getAttribute('data-id')
    let cursor: string | undefined
    let page = await h.core.call('indicators.list', { limit: 1000 })
    for (let skipped = 0; skipped + page.items.length <= deepest; skipped += page.items.length) {
      cursor = page.nextCursor ?? undefined
      page = await h.core.call('indicators.list', { limit: 1000, cursor })
    }
    expect(page.items[deepest % 1000]?.id).toBe(shownId)
    await h.screenshot('table-100k-deep')

    // Back at the top, evicted pages are fetched again by their cursor.
    await ui.table.evaluate((el) => el.scrollTo({ top: 0 }))
    await h.page.locator('[data-testid="indicator-row"][data-index="0"]').waitFor()
    expect(await ui.rows.count()).toBeLessThanOrEqual(MAX_ROW_ELEMENTS)
  })

  it('sorts by a column header from the first page again', async () => {
    await ui.sortBy('value')
    expect(
      await h.page.getByRole('columnheader', { name: /Value/ }).getAttribute('aria-sort'),
    ).toBe('ascending')
    expect(await ui.loadedRowCount()).toBe(PAGE_SIZE)
    const expected = await h.core.call('indicators.list', {
      sort: { field: 'value', dir: 'asc' },
      limit: 5,
    })
    const shown = await h.page.locator('[data-testid="indicator-row"]').evaluateAll((els) =>
      els
        .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
        .slice(0, 5)
        .map((e) => e.getAttribute('data-id')),
    )
    expect(shown).toEqual(expected.items.map((i) => i.id))
  })

  it('filters by type and severity with the same count as the core', async () => {
    const before = await ui.generation()
    await h.page.getByTestId('filter-type').selectOption('ip')
    await ui.waitForNewResults(before)
    const ips = await h.core.call('indicators.count', { filter: { types: ['ip'] } })
    await ui.waitForTotal(`${ips.total.toLocaleString('en-US')} indicators`)
    const mid = await ui.generation()
    await h.page.getByTestId('filter-severity').selectOption('critical')
    await ui.waitForNewResults(mid)
    const both = await h.core.call('indicators.count', {
      filter: { types: ['ip'], severities: ['critical'] },
    })
    expect(both.total).toBeGreaterThan(0)
    await ui.waitForTotal(`${both.total.toLocaleString('en-US')} indicators`)
    await ui.setTheme('dark')
    await h.screenshot('table-filtered-dark')
    await ui.setTheme('light')
    const last = await ui.generation()
    await h.page.getByTestId('clear-filters').click()
    await ui.waitForNewResults(last)
    await ui.waitForTotal('100,000 indicators')
  })
}
