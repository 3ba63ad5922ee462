import type { Locator, Page } from 'playwright-core'

/**
 * The "Analyse a URL" dialog as a tester drives it, for both harnesses. Each analysis waits for the verdict
 * of the URL it typed (data-verdict on the rendered verdict, its URL in the header), never for time.
 */
export class AnalysisPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get dialog(): Locator {
    return this.page.getByTestId('analyze-dialog')
  }

  get verdict(): Locator {
    return this.dialog.getByTestId('url-verdict')
  }

  async open(): Promise<void> {
    await this.page.getByTestId('open-analyze-url').click()
    await this.dialog.waitFor()
  }

  /** Types a URL, submits, and waits until the verdict shown is this URL's. */
  async analyse(url: string, shownAs: string): Promise<Locator> {
    await this.dialog.getByTestId('analyze-url').fill(url)
    await this.dialog.getByTestId('analyze-submit').click()
    const verdict = this.verdict.filter({ hasText: shownAs })
    await verdict.waitFor()
    return verdict
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape')
    await this.dialog.waitFor({ state: 'detached' })
  }
}
