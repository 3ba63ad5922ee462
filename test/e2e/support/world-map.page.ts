import type { Locator, Page } from 'playwright-core'

/**
 * The world map as a tester drives it, in the Indicators view (the Map toggle) and on a report (its
 * disclosure), for both harnesses. Waits are on the panel's data-state and data-target (the query it shows).
 */
export class WorldMapPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get panel(): Locator {
    return this.page.getByTestId('world-map-panel')
  }

  get tooltip(): Locator {
    return this.page.getByTestId('world-map-tooltip')
  }

  get unlocated(): Locator {
    return this.page.getByTestId('world-map-unlocated')
  }

  country(code: string): Locator {
    return this.panel.locator(`path[data-country="${code}"]`)
  }

  /** Waits for the map of this target (`enrichment.geoCounts`'s target as JSON) to be drawn. */
  async waitFor(target: object): Promise<void> {
    const key = JSON.stringify(target).replace(/\\/g, '\\\\').replace(/"/g, '\\"')
    await this.page
      .locator(`[data-testid="world-map-panel"][data-state="ready"][data-target="${key}"]`)
      .getByTestId('world-map')
      .waitFor()
  }

  /** Shows the map in place of the indicators table. */
  async toggleInIndicators(target: object): Promise<void> {
    await this.page.getByTestId('map-toggle').click()
    await this.waitFor(target)
  }

  /** Opens the map on the open report. */
  async openOnReport(reportId: string): Promise<void> {
    await this.page.getByTestId('world-map-details').locator('summary').click()
    await this.waitFor({ kind: 'report', id: reportId })
  }

  /** The table beside the map: [name with code, count] per row, as shown. */
  async table(): Promise<[string, string][]> {
    return this.page
      .getByTestId('world-map-table')
      .locator('tbody tr[data-country]')
      .evaluateAll((rows) =>
        rows.map((r): [string, string] => [
          (r.querySelector('th')?.textContent ?? '').trim(),
          (r.querySelector('td')?.textContent ?? '').trim(),
        ]),
      )
  }

  /** The fill a country is painted with (computed: the colour scale or the "none" colour). */
  async fillOf(code: string): Promise<string> {
    return this.country(code).evaluate((el) => getComputedStyle(el).fill)
  }
}
