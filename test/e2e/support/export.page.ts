import type { Locator, Page } from 'playwright-core'

/** The export dialog as a tester drives it, for both harnesses; waits are on its data-phase. */
export class ExportDialogPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get dialog(): Locator {
    return this.page.getByTestId('export-dialog')
  }

  /** Waits until the dialog is in `phase` (checking, ready, running, done, error). */
  async waitFor(phase: string): Promise<void> {
    await this.dialog.locator(`.export-dialog[data-phase="${phase}"]`).waitFor()
  }

  /** Opens it from the Indicators view's Export button and waits for the TLP check. */
  async openFromIndicators(): Promise<void> {
    await this.page.getByTestId('export-button').click()
    await this.waitFor('ready')
  }

  async summary(): Promise<string> {
    return (await this.dialog.getByTestId('export-summary').textContent()) ?? ''
  }

  get warning(): Locator {
    return this.dialog.getByTestId('export-tlp-warning')
  }

  get startButton(): Locator {
    return this.dialog.getByTestId('export-start')
  }

  async run(opts: { defang?: boolean; confirmTlp?: boolean; format?: string }): Promise<void> {
    if (opts.format) await this.dialog.getByTestId(`export-format-${opts.format}`).check()
    if (opts.defang) await this.dialog.getByTestId('export-defang').check()
    if (opts.confirmTlp) await this.dialog.getByTestId('export-confirm-tlp').check()
    await this.startButton.click()
    await this.waitFor('done')
  }

  /** Waits for the PDF preview to have drawn its pages; returns how many it drew. */
  async previewPages(): Promise<number> {
    await this.dialog.locator('[data-testid="pdf-preview"][data-state="ready"]').waitFor()
    return this.dialog.getByTestId('pdf-page').count()
  }

  /** Clicks Save and returns the downloaded file's name and text. */
  async save(): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.dialog.getByTestId('export-save').click(),
    ])
    const stream = await download.createReadStream()
    const chunks: Buffer[] = []
    for await (const c of stream) chunks.push(c as Buffer)
    return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') }
  }
}
