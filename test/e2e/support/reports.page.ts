import type { Locator, Page } from 'playwright-core'

/**
 * The Reports view as an analyst drives it, shared by the HTTP and the IPC harness. Waits are on named DOM
 * states (the list's and the editor's data-state, data-dirty, data-published, the attachments' counts).
 */
export class ReportsPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get view(): Locator {
    return this.page.getByTestId('reports-view')
  }

  get editor(): Locator {
    return this.page.getByTestId('report-editor')
  }

  get preview(): Locator {
    return this.page.getByTestId('report-preview')
  }

  get attachments(): Locator {
    return this.page.getByTestId('report-attachments')
  }

  row(title: string): Locator {
    return this.page.getByTestId('report-row').filter({ hasText: title })
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-reports').click()
    await this.page.locator('[data-testid="reports-list"][data-state="ready"]').waitFor()
  }

  async newReport(): Promise<void> {
    await this.page.getByTestId('new-report').click()
    await this.page.locator('[data-testid="report-editor"][data-state="ready"]').waitFor()
  }

  /** Types Markdown into the content the way a user does (the preview follows each keystroke). */
  async writeContent(markdown: string): Promise<void> {
    await this.page.getByTestId('report-content').fill(markdown)
  }

  async setTlp(tlp: string): Promise<void> {
    await this.page.getByTestId(`tlp-option-${tlp}`).check({ force: true })
    await this.page.locator(`[data-testid="tlp-picker"][data-value="${tlp}"]`).waitFor()
  }

  /** Creates or saves, and waits for the editor to show a clean saved report. */
  async save(): Promise<string> {
    await this.page.getByTestId('report-save').click()
    const saved = this.page.locator(
      '[data-testid="report-editor"][data-state="ready"][data-dirty="false"]:not([data-id=""])',
    )
    await saved.waitFor()
    return (await saved.getAttribute('data-id')) ?? ''
  }

  async publish(): Promise<void> {
    await this.page.getByTestId('report-publish').click()
    await this.page.locator('[data-testid="report-editor"][data-published="true"]').waitFor()
  }

  async unpublish(): Promise<void> {
    await this.page.getByTestId('report-unpublish').click()
    await this.page.locator('[data-testid="report-editor"][data-published="false"]').waitFor()
  }

  /** Waits until the report lists exactly these numbers of indicators and entities. */
  async waitForContents(indicators: number, entities: number): Promise<void> {
    await this.page
      .locator(
        `[data-testid="report-attachments"][data-state="ready"][data-indicators="${indicators}"][data-entities="${entities}"]`,
      )
      .waitFor()
  }

  /** Searches (indicators by value or entities by name) and attaches the hit labelled `label`. */
  async attachBySearch(scope: 'indicators' | 'entities', q: string, label: string): Promise<void> {
    const mode = this.page.getByTestId(`attach-mode-${scope}`)
    if ((await mode.getAttribute('aria-pressed')) !== 'true') await mode.click()
    await this.page.getByTestId(`attach-search-input-${scope}`).fill(q)
    const box = this.page.locator(`[data-testid="attach-search-${scope}"][data-state="ready"]`)
    await box.waitFor()
    await box.getByTestId('object-row').filter({ hasText: label }).getByTestId('attach-hit').click()
  }

  attached(kind: 'indicators' | 'entities'): Locator {
    return this.page.getByTestId(`attached-${kind}`).getByTestId('object-row')
  }
}
