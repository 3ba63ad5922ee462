import type { Locator, Page } from 'playwright-core'

/**
 * The Warninglists section of the Settings view, and its allowlist, as a tester drives them in both
 * harnesses. Waits are on named DOM states (data-state, rows appearing), never on elapsed time.
 */
export class WarninglistsPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get section(): Locator {
    return this.page.getByTestId('settings-warninglists')
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-settings').click()
    await this.page.locator('[data-testid="settings-view"][data-state="ready"]').waitFor()
    await this.ready()
  }

  /** Waits until the section is idle (its list loaded, no call in flight). */
  async ready(): Promise<void> {
    await this.page.locator('[data-testid="settings-warninglists"][data-state="ready"]').waitFor()
  }

  row(name: string): Locator {
    return this.section
      .getByTestId('warninglist-row')
      .filter({ has: this.page.getByTestId('warninglist-name').getByText(name, { exact: true }) })
  }

  async names(): Promise<string[]> {
    return this.section.getByTestId('warninglist-name').allTextContents()
  }

  async entries(name: string): Promise<string | null> {
    return this.row(name).getByTestId('warninglist-entries').textContent()
  }

  async isEnabled(name: string): Promise<boolean> {
    return this.row(name).getByTestId('warninglist-toggle').isChecked()
  }

  async toggle(name: string): Promise<void> {
    const was = await this.isEnabled(name)
    await this.row(name).getByTestId('warninglist-toggle').click()
    await this.ready()
    await this.row(name)
      .locator(`[data-testid="warninglist-toggle"]${was ? ':not(:checked)' : ':checked'}`)
      .waitFor()
  }

  /** Desktop: the folder dialog (the harness answers it with willPickFolder). */
  async importFolder(): Promise<Locator> {
    await this.section.getByTestId('warninglists-import-folder').click()
    return this.importReport()
  }

  /** Browser: JSON files through the page's file input. */
  async importFiles(paths: string[]): Promise<Locator> {
    await this.section.getByTestId('warninglists-import-files').setInputFiles(paths)
    return this.importReport()
  }

  private async importReport(): Promise<Locator> {
    const report = this.section.getByTestId('warninglists-import-report')
    await report.waitFor()
    await this.ready()
    return report
  }

  async rescan(): Promise<string> {
    await this.section.getByTestId('warninglists-rescan').click()
    const status = this.section
      .getByTestId('warninglists-rescan-status')
      .filter({ hasText: 'scanned' })
    await status.waitFor()
    return (await status.textContent()) ?? ''
  }

  async allowlisted(): Promise<string[]> {
    return this.section.getByTestId('allowlist-value').allTextContents()
  }

  async removeAllowlisted(value: string): Promise<void> {
    const entry = this.section
      .getByTestId('allowlist-entry')
      .filter({ has: this.page.getByTestId('allowlist-value').getByText(value, { exact: true }) })
    await entry.getByTestId('allowlist-remove').click()
    await entry.waitFor({ state: 'detached' })
  }
}
