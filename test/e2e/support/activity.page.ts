import type { Locator, Page } from 'playwright-core'

/**
 * The Activity view as a tester drives it, for both harnesses. Waits are on named DOM states (data-state,
 * and data-query: the filter of the page on screen), never on elapsed time.
 */
export class ActivityPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get view(): Locator {
    return this.page.getByTestId('activity-view')
  }

  get rows(): Locator {
    return this.page.getByTestId('activity-row')
  }

  /** Opens the view and waits for its unfiltered first page. */
  async open(): Promise<void> {
    await this.page.getByTestId('nav-activity').click()
    await this.waitForQuery({})
  }

  async waitForQuery(query: Record<string, string>): Promise<void> {
    const q = JSON.stringify(query).replace(/\\/g, '\\\\').replace(/"/g, '\\"')
    await this.page
      .locator(`[data-testid="activity-view"][data-state="ready"][data-query="${q}"]`)
      .waitFor()
  }

  async filter(f: { entity?: string; action?: string }): Promise<void> {
    if (f.entity !== undefined)
      await this.page.getByTestId('activity-entity').selectOption(f.entity)
    if (f.action !== undefined)
      await this.page.getByTestId('activity-action').selectOption(f.action)
    await this.waitForQuery({
      ...(f.entity ? { entity: f.entity } : {}),
      ...(f.action ? { operation: f.action } : {}),
    })
  }

  /** The rows on screen as "entity operation" and the change summary. */
  async shown(): Promise<{ op: string; changes: string; actor: string }[]> {
    return this.rows.evaluateAll((els) =>
      els.map((el) => ({
        op: el.querySelector('.activity-op')?.textContent ?? '',
        changes: el.querySelector('.activity-changes')?.textContent ?? '',
        actor: el.querySelector('.activity-actor')?.textContent ?? '',
      })),
    )
  }

  async verify(): Promise<string> {
    await this.page.getByTestId('activity-verify').click()
    const result = this.page.getByTestId('activity-verify-result')
    await result.waitFor()
    return (await result.textContent()) ?? ''
  }

  /** Clicks an export button and returns the downloaded file's text. */
  async export(format: 'csv' | 'json'): Promise<string> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByTestId(`activity-export-${format}`).click(),
    ])
    const stream = await download.createReadStream()
    const chunks: Buffer[] = []
    for await (const c of stream) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }
}
