import type { Locator, Page } from 'playwright-core'

/**
 * The indicators view as a tester drives it, shared by the HTTP and the IPC harness. Every wait is on a named
 * state in the DOM (data-testid, data-state, an element appearing or leaving), never on elapsed time.
 */
export class IndicatorsPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get view(): Locator {
    return this.page.locator('[data-testid="indicators-view"]')
  }

  get table(): Locator {
    return this.page.getByTestId('indicators-table')
  }

  get rows(): Locator {
    return this.page.getByTestId('indicator-row')
  }

  get total(): Locator {
    return this.page.getByTestId('total-count')
  }

  get detail(): Locator {
    return this.page.getByTestId('detail-panel')
  }

  async waitReady(): Promise<void> {
    await this.page.locator('[data-testid="indicators-view"][data-state="ready"]').waitFor()
  }

  /** Waits until the total reads exactly `text` (e.g. "100,000 indicators"). */
  async waitForTotal(text: string): Promise<void> {
    await this.page
      .locator('[data-testid="total-count"]', { hasText: new RegExp(`^${escape(text)}$`) })
      .waitFor()
  }

  /** The row whose displayed (defanged) value is exactly `display`. */
  row(display: string): Locator {
    return this.rows.filter({
      has: this.page.getByTestId('row-value').getByText(display, { exact: true }),
    })
  }

  // ---- create ----

  async openCreate(): Promise<Locator> {
    await this.page.getByTestId('new-indicator').click()
    const dialog = this.page.getByTestId('create-dialog')
    await dialog.waitFor()
    return dialog
  }

  get createValue(): Locator {
    return this.page.getByTestId('create-value')
  }

  get createValueError(): Locator {
    return this.page.getByTestId('create-value-error')
  }

  get createDetected(): Locator {
    return this.page.getByTestId('create-detected')
  }

  async submitCreate(): Promise<void> {
    await this.page.getByTestId('create-submit').click()
    await this.page.getByTestId('create-dialog').waitFor({ state: 'detached' })
  }

  // ---- search / sort ----

  async generation(): Promise<string> {
    return (await this.view.getAttribute('data-generation')) ?? ''
  }

  /** Waits for the results of a query started after `before` was read. */
  async waitForNewResults(before: string): Promise<void> {
    await this.page
      .locator(
        `[data-testid="indicators-view"][data-state="ready"]:not([data-generation="${before}"])`,
      )
      .waitFor()
  }

  async search(q: string): Promise<void> {
    const before = await this.generation()
    const box = this.page.getByTestId('search')
    await box.fill(q)
    await box.press('Enter')
    await this.waitForNewResults(before)
  }

  async sortBy(column: string): Promise<void> {
    const before = await this.generation()
    await this.page.getByTestId(`sort-${column}`).click()
    await this.waitForNewResults(before)
  }

  // ---- detail ----

  async open(display: string): Promise<void> {
    await this.row(display).click()
    await this.detail.getByTestId('detail-value').getByText(display, { exact: true }).waitFor()
  }

  async editSeverity(severity: string): Promise<void> {
    await this.detail.getByTestId('edit-indicator').click()
    await this.detail.getByTestId('edit-severity').selectOption(severity)
    await this.detail.getByTestId('save-indicator').click()
    await this.detail.getByTestId('edit-form').waitFor({ state: 'detached' })
  }

  async toggleFalsePositive(): Promise<void> {
    const button = this.detail.getByTestId('toggle-fp')
    const before = await button.textContent()
    await button.click()
    await this.detail
      .getByTestId('toggle-fp')
      .filter({ hasNotText: before ?? '' })
      .waitFor()
  }

  /** The warninglist hits the open indicator's detail shows, as `list: entry`. */
  async warninglistHits(): Promise<string[]> {
    const hits = this.detail.getByTestId('warninglist-hit')
    const out: string[] = []
    for (const hit of await hits.all()) {
      const list = await hit.getByTestId('warninglist-hit-list').textContent()
      const entry = await hit.getByTestId('warninglist-hit-entry').textContent()
      out.push(`${list ?? ''}: ${entry ?? ''}`)
    }
    return out
  }

  get allowlistedBadge(): Locator {
    return this.detail.getByTestId('allowlisted-badge')
  }

  // ---- score breakdown ----

  get scoreBreakdown(): Locator {
    return this.detail.getByTestId('score-breakdown')
  }

  /** The open indicator's score terms as the panel shows them, once it has loaded. */
  async scoreTerms(): Promise<{ term: string; points: number; detail: string }[]> {
    const rows = this.scoreBreakdown.getByTestId('score-term')
    await rows.first().waitFor()
    const out: { term: string; points: number; detail: string }[] = []
    for (const row of await rows.all()) {
      const cells = row.locator('td')
      out.push({
        term: (await row.getAttribute('data-term')) ?? '',
        points: Number(await row.getByTestId('score-term-points').textContent()),
        detail: (await cells.nth(2).textContent()) ?? '',
      })
    }
    return out
  }

  /** What decided the risk level ('score' or 'severity') and the sentence that says so. */
  async scoreRisk(): Promise<{ decidedBy: string; reason: string }> {
    const risk = this.scoreBreakdown.getByTestId('score-risk')
    await risk.waitFor()
    return {
      decidedBy: (await risk.getAttribute('data-decided-by')) ?? '',
      reason: (await risk.textContent()) ?? '',
    }
  }

  /** Clicks a verdict button and waits for the panel to show the new verdict. */
  async setVerdict(verdict: 'true positive' | 'false positive' | 'none'): Promise<void> {
    const testId =
      verdict === 'true positive'
        ? 'verdict-tp'
        : verdict === 'false positive'
          ? 'verdict-fp'
          : 'verdict-clear'
    await this.scoreBreakdown.getByTestId(testId).click()
    await this.scoreBreakdown
      .getByTestId('score-verdict')
      .getByText(new RegExp(`^${verdict}`))
      .waitFor()
  }
  async deleteOpen(): Promise<void> {
    await this.detail.getByTestId('delete-indicator').click()
    await this.page.getByTestId('confirm-button').click()
    await this.detail.waitFor({ state: 'detached' })
  }

  // ---- paste import ----

  async openPaste(): Promise<Locator> {
    await this.page.getByTestId('open-paste-import').click()
    const dialog = this.page.getByTestId('paste-dialog')
    await dialog.waitFor()
    return dialog
  }

  async paste(text: string): Promise<void> {
    await this.page.getByTestId('paste-text').fill(text)
  }

  /** Opens the CSV mapping step for the pasted table. */
  async mapPastedColumns(): Promise<Locator> {
    await this.page.getByTestId('paste-map-columns').click()
    const step = this.page.getByTestId('csv-mapping')
    await step.waitFor()
    return step
  }

  async importPastedWithMapping(): Promise<Locator> {
    await this.page.getByTestId('paste-mapping-submit').click()
    const report = this.page.getByTestId('import-report')
    await report.waitFor()
    return report
  }

  async importPasted(): Promise<Locator> {
    await this.page.getByTestId('import-submit').click()
    const report = this.page.getByTestId('import-report')
    await report.waitFor()
    return report
  }

  /** The items found in free text, once they answer the text now in the box. */
  async extracted(): Promise<Locator> {
    await this.page.locator('[data-testid="extract-panel"][data-state="ready"]').waitFor()
    return this.page.getByTestId('extract-item')
  }

  /** The found item whose canonical value is `value`. */
  extractItem(value: string): Locator {
    return this.page.locator(`[data-testid="extract-item"][data-value="${value}"]`)
  }

  // ---- theme ----

  /** Clicks the theme toggle until the setting is `theme`, then waits for <html> to carry it. */
  async setTheme(theme: 'light' | 'dark'): Promise<void> {
    const toggle = this.page.getByTestId('theme-toggle')
    for (let i = 0; i < 3; i++) {
      if ((await toggle.getAttribute('data-theme-setting')) === theme) break
      const before = await toggle.getAttribute('data-theme-setting')
      await toggle.click()
      await this.page
        .locator(`[data-testid="theme-toggle"]:not([data-theme-setting="${before}"])`)
        .waitFor()
    }
    await this.page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' })
  }

  // ---- virtual scrolling ----

  /** Indexes (0-based) of the rows currently in the DOM. */
  async renderedIndexes(): Promise<number[]> {
    const values = await this.rows.evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('data-index'))),
    )
    return values.sort((a, b) => a - b)
  }

  /** The rendered row at 0-based position `index` once its page has loaded. */
  rowAt(index: number): Locator {
    return this.page.locator(`[data-testid="indicator-row"][data-index="${index}"]`)
  }

  /** Rendered, loaded rows: their position and indicator id. */
  async renderedRows(): Promise<{ index: number; id: string }[]> {
    return this.rows.evaluateAll((els) =>
      els.map((e) => ({
        index: Number(e.getAttribute('data-index')),
        id: e.getAttribute('data-id') ?? '',
      })),
    )
  }

  async residentRows(): Promise<number> {
    return Number(await this.table.getAttribute('data-resident-rows'))
  }

  /** Whether a row lies wholly inside the table's viewport, below its sticky header. */
  async isInView(row: Locator): Promise<boolean> {
    const [r, t, head] = await Promise.all([
      row.boundingBox(),
      this.table.boundingBox(),
      this.page.locator('.table-header').boundingBox(),
    ])
    if (!r || !t || !head) return false
    return r.y >= head.y + head.height - 1 && r.y + r.height <= t.y + t.height + 1
  }

  /**
   * Moves the table's scrollbar to `fraction` (0 top, 1 bottom) of its track, as dragging its thumb does.
   * Headless Chromium draws no scrollbar to grab, so this sets what a drag sets: the element's scrollTop,
   * which fires the same scroll event.
   */
  async dragScrollbarTo(fraction: number): Promise<void> {
    await this.table.evaluate((el, f) => {
      el.scrollTop = Math.round(f * (el.scrollHeight - el.clientHeight))
    }, fraction)
  }

  /** Waits until loaded rows around `center` (± `tolerance`) are rendered; returns their indexes. */
  async waitForRowsNear(center: number, tolerance: number): Promise<number[]> {
    await this.page.waitForFunction(
      ([c, tol]) => {
        const rows = [...document.querySelectorAll('[data-testid="indicator-row"]')]
        return (
          rows.length > 0 &&
          document.querySelectorAll('[data-testid="placeholder-row"]').length === 0 &&
          rows.every((r) => Math.abs(Number(r.getAttribute('data-index')) - c) <= tol)
        )
      },
      [center, tolerance] as const,
    )
    return this.renderedIndexes()
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
