import type { Locator, Page } from 'playwright-core'

export type FeedFormInput = {
  name?: string
  format?: string
  url?: string
  schedule?: string
  reliability?: string
  tlp?: string
  tags?: string
  auth?:
    | { kind: 'header'; name: string; value: string }
    | { kind: 'basic'; user: string; password: string }
}

/**
 * The Feeds view as a tester drives it, for both harnesses. Waits are on named DOM states (data-state,
 * data-running, data-last-status, data-step), never on elapsed time.
 */
export class FeedsPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get view(): Locator {
    return this.page.getByTestId('feeds-view')
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-feeds').click()
    await this.page.locator('[data-testid="feeds-view"][data-state="ready"]').waitFor()
  }

  async tab(name: 'feeds' | 'catalogue' | 'history'): Promise<void> {
    await this.page.getByTestId(`feeds-tab-${name}`).click()
    await this.page.locator(`[data-testid="feeds-tab-${name}"][aria-selected="true"]`).waitFor()
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="feed-row"][data-name="${cssString(name)}"]`)
  }

  /** Closes every notification so a screenshot shows what is under them. */
  async dismissToasts(): Promise<void> {
    const close = this.page
      .getByTestId('toasts')
      .getByRole('button', { name: 'Dismiss notification' })
    while ((await close.count()) > 0) await close.first().click()
  }

  // ---- catalogue ----

  catalogueEntry(key: string): Locator {
    return this.page.locator(`[data-testid="catalogue-entry"][data-key="${cssString(key)}"]`)
  }

  /** Clicks Add; with a key, answers the API-key dialog. Waits until the entry says "Added". */
  async addFromCatalogue(key: string, authKey?: string): Promise<void> {
    await this.catalogueEntry(key).getByTestId('catalogue-add').click()
    if (authKey !== undefined) {
      const dialog = this.page.getByTestId('auth-key-dialog')
      await dialog.waitFor()
      await dialog.getByTestId('auth-key').fill(authKey)
      await dialog.getByTestId('auth-key-submit').click()
      await dialog.waitFor({ state: 'detached' })
    }
    await this.catalogueEntry(key).getByTestId('catalogue-add').getByText('Added').waitFor()
  }

  // ---- add / edit form ----

  get form(): Locator {
    return this.page.getByTestId('feed-form')
  }

  async openAddForm(): Promise<Locator> {
    await this.page.getByTestId('add-feed').click()
    await this.form.waitFor()
    return this.form
  }

  async fillForm(input: FeedFormInput): Promise<void> {
    const f = this.form
    if (input.name !== undefined) await f.getByTestId('feed-name').fill(input.name)
    if (input.format !== undefined) await f.getByTestId('feed-format').selectOption(input.format)
    if (input.url !== undefined) await f.getByTestId('feed-url').fill(input.url)
    if (input.schedule !== undefined) await f.getByTestId('feed-schedule').fill(input.schedule)
    if (input.reliability !== undefined)
      await f.getByTestId('feed-reliability').selectOption(input.reliability)
    if (input.tlp !== undefined) await f.getByTestId('feed-tlp').selectOption(input.tlp)
    if (input.tags !== undefined) await f.getByTestId('feed-tags').fill(input.tags)
    if (input.auth?.kind === 'header') {
      await f.getByTestId('feed-auth').selectOption('header')
      await f.getByTestId('feed-auth-header').fill(input.auth.name)
      await f.getByTestId('feed-auth-key').fill(input.auth.value)
    } else if (input.auth?.kind === 'basic') {
      await f.getByTestId('feed-auth').selectOption('basic')
      await f.getByTestId('feed-auth-user').fill(input.auth.user)
      await f.getByTestId('feed-auth-password').fill(input.auth.password)
    }
  }

  /** Submits and waits for the API's per-field errors to show. */
  async submitExpectingErrors(): Promise<void> {
    await this.form.getByTestId('feed-form-submit').click()
    await this.form.locator('.field-error, [data-testid="feed-form-error"]').first().waitFor()
  }

  async submitForm(): Promise<void> {
    await this.form.getByTestId('feed-form-submit').click()
    await this.form.waitFor({ state: 'detached' })
  }

  fieldError(testId: string): Locator {
    return this.form.getByTestId(`${testId}-error`)
  }

  // ---- runs ----

  async runNow(name: string): Promise<void> {
    await this.row(name).getByTestId('feed-run').click()
  }

  /** Waits until the row shows a finished run with this status (the live progress has gone). */
  async waitForLastStatus(name: string, status: string): Promise<void> {
    await this.page
      .locator(
        `[data-testid="feed-row"][data-name="${cssString(name)}"][data-running="false"][data-last-status="${status}"]`,
      )
      .waitFor()
  }

  async waitForRunning(name: string): Promise<Locator> {
    const progress = this.page.locator(
      `[data-testid="feed-row"][data-name="${cssString(name)}"][data-running="true"] [data-testid="run-progress"]`,
    )
    await progress.waitFor()
    return progress
  }

  /** The run counts shown in a row or a history line: { created: 3, rejected: 5, ... }. */
  async counts(scope: Locator): Promise<Record<string, number>> {
    const items = scope.locator('[data-testid^="count-"]')
    const pairs = await items.evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-testid') ?? '', Number(e.getAttribute('data-value'))]),
    )
    return Object.fromEntries(pairs.map(([k, v]) => [String(k).replace(/^count-/, ''), Number(v)]))
  }

  async openLastRun(name: string): Promise<Locator> {
    await this.row(name).getByTestId('last-run').click()
    const dialog = this.page.getByTestId('run-detail')
    await dialog.getByTestId('run-detail-body').waitFor()
    return dialog
  }

  /** The report's numbers: { rows, created, updated, unchanged, duplicates, rejected }. */
  async reportNumbers(scope: Locator): Promise<Record<string, number>> {
    const out: Record<string, number> = {}
    for (const k of ['rows', 'created', 'updated', 'unchanged', 'duplicates', 'rejected']) {
      const text = (await scope.getByTestId(`report-${k}`).textContent()) ?? ''
      out[k] = Number(text.replace(/,/g, ''))
    }
    return out
  }

  async rejects(scope: Locator): Promise<{ line: number; text: string }[]> {
    return scope
      .getByTestId('reject-item')
      .evaluateAll((els) =>
        els.map((e) => ({ line: Number(e.getAttribute('data-line')), text: e.textContent ?? '' })),
      )
  }

  async closeDialog(testId: string): Promise<void> {
    const dialog = this.page.getByTestId(testId)
    await dialog.getByRole('button', { name: 'Close', exact: true }).first().click()
    await dialog.waitFor({ state: 'detached' })
  }

  // ---- import ----

  /**
   * Drops a file on the view the way a desktop drag does: a DataTransfer holding a File, dispatched as
   * dragover + drop on the drop zone.
   */
  async dropFile(fileName: string, content: string, type = 'text/plain'): Promise<Locator> {
    await this.page.getByTestId('drop-zone').evaluate(
      (zone, f) => {
        const dt = new DataTransfer()
        dt.items.add(new File([f.content], f.fileName, { type: f.type }))
        for (const name of ['dragenter', 'dragover', 'drop']) {
          zone.dispatchEvent(
            new DragEvent(name, { dataTransfer: dt, bubbles: true, cancelable: true }),
          )
        }
      },
      { fileName, content, type },
    )
    const dialog = this.page.getByTestId('import-dialog')
    await dialog.waitFor()
    return dialog
  }

  /** Drops a file made in the page (no transfer from the test): for sizes such as "too big". */
  async dropGeneratedFile(fileName: string, bytes: number): Promise<Locator> {
    await this.page.getByTestId('drop-zone').evaluate(
      (zone, f) => {
        const dt = new DataTransfer()
        dt.items.add(
          new File([new Uint8Array(f.bytes).fill(0x41)], f.fileName, { type: 'text/csv' }),
        )
        for (const name of ['dragover', 'drop']) {
          zone.dispatchEvent(
            new DragEvent(name, { dataTransfer: dt, bubbles: true, cancelable: true }),
          )
        }
      },
      { fileName, bytes },
    )
    const dialog = this.page.getByTestId('import-dialog')
    await dialog.waitFor()
    return dialog
  }

  async chooseFile(path: string): Promise<Locator> {
    await this.page.getByTestId('import-file-input').setInputFiles(path)
    const dialog = this.page.getByTestId('import-dialog')
    await dialog.waitFor()
    return dialog
  }

  /** In the CSV mapping step: takes `field` from the column at `index` (-1: none). */
  async mapColumn(scope: Locator, field: string, index: number): Promise<void> {
    await scope.getByTestId(`csv-map-${field}`).selectOption(String(index))
  }

  /** The CSV preview's header cells, as the mapping step shows them. */
  async previewHeader(scope: Locator): Promise<string[]> {
    return scope
      .getByTestId('csv-preview')
      .locator('th')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''))
  }

  async waitImportStep(step: 'pick' | 'map' | 'done' | 'too-big' | 'failed'): Promise<Locator> {
    const body = this.page.locator(`[data-testid="import-body"][data-step="${step}"]`)
    await body.waitFor()
    return body
  }
}

/** A value inside a CSS attribute selector in double quotes. */
const cssString = (s: string): string => s.replace(/["\\]/g, '\\$&')
