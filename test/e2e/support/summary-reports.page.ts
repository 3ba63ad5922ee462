import type { Locator, Page } from 'playwright-core'

/**
 * The summary reports panel (SummaryReports) as a tester drives it, for both harnesses. `open` is how the
 * app reaches the panel: `navigate` clicks through to it (the Reports view's Summaries tab once mounted).
 * Waits are on named DOM states (data-status of a row, data-state of the detail), never on elapsed time.
 */
export class SummaryReportsPage {
  readonly page: Page
  private readonly navigate: (page: Page) => Promise<void>

  constructor(page: Page, navigate: (page: Page) => Promise<void>) {
    this.page = page
    this.navigate = navigate
  }

  get panel(): Locator {
    return this.page.getByTestId('summary-reports')
  }

  get rows(): Locator {
    return this.page.getByTestId('summary-list').locator('tbody tr')
  }

  async open(): Promise<void> {
    await this.navigate(this.page)
    await this.panel.waitFor()
  }

  async generate(opts: { type: 'daily' | 'weekly' | 'custom'; from?: string; to?: string }) {
    await this.page.getByTestId('summary-type').selectOption(opts.type)
    if (opts.from !== undefined) await this.page.getByTestId('summary-from').fill(opts.from)
    if (opts.to !== undefined) await this.page.getByTestId('summary-to').fill(opts.to)
    await this.page.getByTestId('summary-generate').click()
  }

  /** Waits for a report row in the given status and answers its cells. */
  async row(status: string, index = 0) {
    const row = this.page
      .getByTestId('summary-list')
      .locator(`tbody tr[data-status="${status}"]`)
      .nth(index)
    await row.waitFor()
    return {
      row,
      cells: (await row.locator('td').allInnerTexts()).map((t) => t.trim()),
    }
  }

  async detail(): Promise<Locator> {
    const detail = this.page.locator('[data-testid="summary-detail"][data-state="done"]')
    await detail.waitFor()
    return detail
  }

  /** The bars of a chart as label → value, read from the SVG's data attributes. */
  async bars(testId: string): Promise<Record<string, number>> {
    const groups = this.page.getByTestId(testId).locator('g[data-label]')
    const out: Record<string, number> = {}
    for (const g of await groups.all()) {
      out[(await g.getAttribute('data-label')) ?? ''] = Number(await g.getAttribute('data-value'))
    }
    return out
  }
}
