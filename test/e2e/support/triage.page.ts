import type { Locator, Page } from 'playwright-core'

/**
 * The triage view as an analyst drives it, for both harnesses: by keyboard. Waits are on named DOM states
 * (the view's data-state, data-query and data-focus; a row's data-status), never on elapsed time.
 */
export class TriagePage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get view(): Locator {
    return this.page.getByTestId('triage-view')
  }

  get rows(): Locator {
    return this.page.getByTestId('triage-row')
  }

  get detail(): Locator {
    return this.page.getByTestId('triage-detail')
  }

  row(id: string): Locator {
    return this.page.locator(`[data-testid="triage-row"][data-id="${id}"]`)
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-triage').click()
    await this.waitReady()
  }

  async waitReady(): Promise<void> {
    await this.page.locator('[data-testid="triage-view"][data-state="ready"]').waitFor()
  }

  async waitForQuery(query: Record<string, unknown>): Promise<void> {
    const q = JSON.stringify(query).replace(/\\/g, '\\\\').replace(/"/g, '\\"')
    await this.page
      .locator(`[data-testid="triage-view"][data-state="ready"][data-query="${q}"]`)
      .waitFor()
  }

  /** The focused item as `kind:id` (empty before the first row loads). */
  async focused(): Promise<string> {
    return (await this.view.getAttribute('data-focus')) ?? ''
  }

  /** Presses a key on the page (the view listens on the window) and waits for it to settle. */
  async press(key: string): Promise<void> {
    // Off any field, so the key reaches the queue.
    await this.page.evaluate(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur()
    })
    await this.page.keyboard.press(key)
    await this.waitReady()
  }

  /** Moves the focus to the item `kind:id` with j, from the top. */
  async waitFocus(key: string): Promise<void> {
    await this.page.locator(`[data-testid="triage-view"][data-focus="${key}"]`).waitFor()
  }

  async waitStatus(id: string, status: string): Promise<void> {
    await this.page
      .locator(`[data-testid="triage-row"][data-id="${id}"][data-status="${status}"]`)
      .waitFor()
  }

  async waitGone(id: string): Promise<void> {
    await this.row(id).waitFor({ state: 'detached' })
  }

  /** The rows on screen as `kind:id`, top to bottom. */
  async shownKeys(): Promise<string[]> {
    return this.rows.evaluateAll((els) =>
      els
        .map((el) => ({
          top: el.getBoundingClientRect().top,
          key: `${el.getAttribute('data-kind') ?? ''}:${el.getAttribute('data-id') ?? ''}`,
        }))
        .sort((a, b) => a.top - b.top)
        .map((r) => r.key),
    )
  }

  async waitSelected(n: number): Promise<void> {
    await this.page
      .getByTestId('triage-total')
      .filter({ hasText: `, ${n} selected` })
      .waitFor()
  }

  async total(): Promise<string> {
    return (await this.page.getByTestId('triage-total').textContent()) ?? ''
  }

  async saveView(name: string): Promise<void> {
    await this.page.getByTestId('triage-view-name').fill(name)
    await this.page.getByTestId('triage-view-save').click()
    await this.page
      .locator(`[data-testid="triage-views"] option`, { hasText: name })
      .waitFor({ state: 'attached' })
  }

  async pickView(name: string): Promise<void> {
    const select = this.page.getByTestId('triage-views')
    await select.locator('option', { hasText: name }).waitFor({ state: 'attached' })
    await select.selectOption({ label: name })
  }

  async filterKind(kind: 'alert' | 'incident' | ''): Promise<void> {
    await this.page.getByTestId('triage-filter-kind').selectOption(kind)
  }
}
