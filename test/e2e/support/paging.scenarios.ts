import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { IndicatorSort } from '#shared/contract/indicators.contract'
import { SHORTCUTS } from '../../../src/renderer/src/hooks/shortcuts'
import { launchBrowser } from './browser'
import type { Harness, StartHarness } from './harness'
import { IndicatorsPage } from './indicators.page'
import { seedIndicators } from './seed'

export const SEEDED_ROWS = 200_000
const PAGE_SIZE = 200
/** The store keeps at most this many rows in memory (MAX_LOADED_PAGES × PAGE_SIZE in indicators.store.ts). */
const RESIDENT_LIMIT = 40 * PAGE_SIZE
/** 1280×800 shows ~20 rows; with overscan a few dozen row elements, whatever the table's length. */
const MAX_ROW_ELEMENTS = 60
const DEFAULT_SORT: IndicatorSort = { field: 'updatedAt', dir: 'desc' }

/**
 * A table of 200,000 rows: the scrollbar spans all of them (scaled, as 32px rows would be taller than the
 * scroll space the table makes), any position can be reached by the scrollbar, the keyboard or "go to row",
 * and only the pages in view are fetched.
 */
export const describePaging = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let ui: IndicatorsPage

  /** The id the core has at `index` of the table's current order. */
  const idAt = async (index: number, sort = DEFAULT_SORT, filter = {}) => {
    const page = await h.core.call('indicators.listAt', { sort, filter, offset: index, limit: 1 })
    return page.items[0]?.id
  }

  /** Every rendered row that has loaded shows the core's row at its position. */
  const expectRowsMatchCore = async (sort = DEFAULT_SORT) => {
    const shown = await ui.renderedRows()
    expect(shown.length).toBeGreaterThan(0)
    const from = Math.min(...shown.map((r) => r.index))
    const page = await h.core.call('indicators.listAt', {
      sort,
      offset: from,
      limit: MAX_ROW_ELEMENTS,
    })
    for (const r of shown) expect(r.id).toBe(page.items[r.index - from]?.id)
  }

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

  it('shows the total of 200,000 with a scrollbar over all of them, loading only the first page', async () => {
    await ui.waitForTotal('200,000 indicators')
    expect(await ui.table.getAttribute('data-total-rows')).toBe(String(SEEDED_ROWS))
    expect(await ui.table.getAttribute('data-scaled')).toBe('true')
    expect(await ui.residentRows()).toBe(PAGE_SIZE)
    expect(await ui.rows.count()).toBeLessThanOrEqual(MAX_ROW_ELEMENTS)
    await h.screenshot('table-200k-light')
  })

  it('End shows the last rows, Home the first', async () => {
    await ui.table.focus()
    await h.page.keyboard.press('End')
    const last = ui.rowAt(SEEDED_ROWS - 1)
    await last.waitFor()
    expect(await last.getAttribute('aria-selected')).toBe('true')
    expect(await ui.isInView(last)).toBe(true)
    expect(await last.getAttribute('data-id')).toBe(await idAt(SEEDED_ROWS - 1))
    await expectRowsMatchCore()
    await h.screenshot('table-200k-end')

    await h.page.keyboard.press('Home')
    const first = ui.rowAt(0)
    await first.waitFor()
    expect(await ui.isInView(first)).toBe(true)
    expect(await first.getAttribute('aria-selected')).toBe('true')
    await expectRowsMatchCore()
  })

  it('dragging the scrollbar to the middle shows rows from the middle', async () => {
    await ui.dragScrollbarTo(0.5)
    const indexes = await ui.waitForRowsNear(SEEDED_ROWS / 2, SEEDED_ROWS * 0.02)
    expect(indexes.length).toBeLessThanOrEqual(MAX_ROW_ELEMENTS)
    await expectRowsMatchCore()
    expect(await ui.residentRows()).toBeLessThanOrEqual(RESIDENT_LIMIT)
    await h.screenshot('table-200k-middle')
  })

  it('goes to row N typed after `g`', async () => {
    await ui.table.focus()
    await h.page.keyboard.press('g')
    await h.page.keyboard.type('123456')
    await h.page.keyboard.press('Enter')
    const row = ui.rowAt(123_455)
    await row.waitFor()
    expect(await row.getAttribute('aria-selected')).toBe('true')
    expect(await ui.isInView(row)).toBe(true)
    expect(await row.getAttribute('data-id')).toBe(await idAt(123_455))
  })

  it('moves the open detail with j and k', async () => {
    await ui.rowAt(123_455).click()
    const shown = async () => ui.detail.getAttribute('data-indicator-id')
    await ui.detail.waitFor()
    expect(await shown()).toBe(await idAt(123_455))
    await h.page.keyboard.press('j')
    await h.page
      .locator(`[data-testid="detail-panel"][data-indicator-id="${await idAt(123_456)}"]`)
      .waitFor()
    expect(await ui.rowAt(123_456).getAttribute('aria-selected')).toBe('true')
    await h.page.keyboard.press('k')
    await h.page.keyboard.press('k')
    await h.page
      .locator(`[data-testid="detail-panel"][data-indicator-id="${await idAt(123_454)}"]`)
      .waitFor()
    await h.screenshot('detail-follows-jk')
  })

  it('closes the detail when a filter leaves its row out, keeps it when the row stays', async () => {
    const id = await ui.detail.getAttribute('data-indicator-id')
    if (id === null) throw new Error('the detail should be open')
    const shown = await h.core.call('indicators.get', { id })
    const before = await ui.generation()
    await h.page.getByTestId('filter-type').selectOption(shown.type)
    await ui.waitForNewResults(before)
    await h.page.locator(`[data-testid="detail-panel"][data-indicator-id="${id}"]`).waitFor()
    const other = shown.severity === 'critical' ? 'low' : 'critical'
    const mid = await ui.generation()
    await h.page.getByTestId('filter-severity').selectOption(other)
    await ui.waitForNewResults(mid)
    await ui.detail.waitFor({ state: 'detached' })
    const last = await ui.generation()
    await h.page.getByTestId('clear-filters').click()
    await ui.waitForNewResults(last)
    await ui.waitForTotal('200,000 indicators')
  })

  it('keeps filters and search in the URL: a reload shows the same result, back and forward work', async () => {
    const before = await ui.generation()
    await h.page.getByTestId('filter-type').selectOption('ip')
    await ui.waitForNewResults(before)
    const ips = await h.core.call('indicators.count', { filter: { types: ['ip'] } })
    await ui.waitForTotal(`${ips.total.toLocaleString('en-US')} indicators`)
    await ui.sortBy('value')
    expect(new URL(h.page.url()).searchParams.get('type')).toBe('ip')
    expect(new URL(h.page.url()).searchParams.get('sort')).toBe('value:asc')

    await h.page.reload()
    await ui.waitReady()
    await ui.waitForTotal(`${ips.total.toLocaleString('en-US')} indicators`)
    expect(await h.page.getByTestId('filter-type').inputValue()).toBe('ip')
    expect(await ui.rowAt(0).getAttribute('data-id')).toBe(
      await idAt(0, { field: 'value', dir: 'asc' }, { types: ['ip'] }),
    )

    await ui.search('seed-5.example')
    expect(new URL(h.page.url()).searchParams.get('q')).toBe('seed-5.example')
    const found = await h.core.call('indicators.count', {
      filter: { types: ['ip'], q: 'seed-5.example' },
    })
    await ui.waitForTotal(`${found.total.toLocaleString('en-US')} indicators`)

    // Back: the search goes, the box follows; back again: the sort; again: the type filter.
    let g = await ui.generation()
    await h.page.goBack()
    await ui.waitForNewResults(g)
    await ui.waitForTotal(`${ips.total.toLocaleString('en-US')} indicators`)
    expect(await h.page.getByTestId('search').inputValue()).toBe('')
    g = await ui.generation()
    await h.page.goBack()
    await ui.waitForNewResults(g)
    g = await ui.generation()
    await h.page.goBack()
    await ui.waitForNewResults(g)
    await ui.waitForTotal('200,000 indicators')
    expect(await h.page.getByTestId('filter-type').inputValue()).toBe('')
    g = await ui.generation()
    await h.page.goForward()
    await ui.waitForNewResults(g)
    await ui.waitForTotal(`${ips.total.toLocaleString('en-US')} indicators`)
    expect(await h.page.getByTestId('filter-type').inputValue()).toBe('ip')
    g = await ui.generation()
    await h.page.getByTestId('clear-filters').click()
    await ui.waitForNewResults(g)
  })

  it('hides and resizes columns, and remembers both across a reload', async () => {
    await h.page.getByTestId('columns-button').click()
    await h.page.getByTestId('column-toggle-tags').uncheck()
    await h.page.getByTestId('header-tags').waitFor({ state: 'detached' })
    await h.page.getByTestId('columns-button').click()
    const header = h.page.getByTestId('header-type')
    const before = (await header.boundingBox())?.width ?? 0
    const handle = await h.page.getByTestId('resize-type').boundingBox()
    if (!handle) throw new Error('the resize handle should be visible')
    const y = handle.y + handle.height / 2
    await h.page.mouse.move(handle.x + handle.width / 2, y)
    await h.page.mouse.down()
    await h.page.mouse.move(handle.x + handle.width / 2 + 60, y, { steps: 4 })
    await h.page.mouse.up()
    const dragged = (await header.boundingBox())?.width ?? 0
    expect(dragged).toBeGreaterThanOrEqual(before + 55)
    // The keyboard resizes too: the edge is focusable and arrows move it.
    await h.page.getByTestId('resize-type').focus()
    await h.page.keyboard.press('ArrowRight')
    await h.page.waitForFunction(
      (w) =>
        (document.querySelector('[data-testid="header-type"]')?.getBoundingClientRect().width ??
          0) >
        w + 8,
      dragged,
    )
    const after = (await header.boundingBox())?.width ?? 0
    await h.screenshot('columns-changed')

    await h.page.reload()
    await ui.waitReady()
    expect(await h.page.getByTestId('header-tags').count()).toBe(0)
    expect((await header.boundingBox())?.width).toBeCloseTo(after, 0)
    // Rows follow the header's columns.
    expect(await ui.rows.first().locator('.col-tags').count()).toBe(0)

    await h.page.getByTestId('columns-button').click()
    await h.page.getByRole('button', { name: 'Reset widths and columns' }).click()
    await h.page.getByTestId('header-tags').waitFor()
  })

  it('`?` lists every keyboard shortcut', async () => {
    await ui.table.focus()
    await h.page.keyboard.press('?')
    const dialog = h.page.getByTestId('shortcuts-dialog')
    await dialog.waitFor()
    expect(await dialog.getByTestId('shortcut').count()).toBe(SHORTCUTS.length)
    for (const s of SHORTCUTS) await dialog.getByText(s.description, { exact: true }).waitFor()
    await h.screenshot('shortcuts-dialog')
    await h.page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
  })

  it('sorts by a column header from the first page again', async () => {
    await ui.sortBy('value')
    expect(
      await h.page.getByRole('columnheader', { name: /Value/ }).getAttribute('aria-sort'),
    ).toBe('ascending')
    await expectRowsMatchCore({ field: 'value', dir: 'asc' })
    expect(await ui.rowAt(0).count()).toBe(1)
    await ui.sortBy('value')
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
    await ui.waitForTotal('200,000 indicators')
  })
}
