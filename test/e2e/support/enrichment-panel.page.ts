import type { Locator, Page } from 'playwright-core'

/** One provider's card in the panel, as the test reads it. */
export type EnrichmentCard = {
  provider: string
  status: string
  level: string
  summary: string
  facts: Record<string, string>
}

/**
 * The enrichment parts of the app as a tester drives them, shared by the HTTP and the IPC harness: the
 * indicator detail's Enrichment panel and Pivots, the Indicators toolbar's "Enrich…", Settings → Enrichment
 * and the Enrichment (queue) view. Every wait is on a named DOM state (data-state, data-status, an element
 * appearing), never on elapsed time.
 */
export class EnrichmentPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  // ---- the indicator detail's panel ----

  get panel(): Locator {
    return this.page.getByTestId('detail-panel').getByTestId('enrichment-panel')
  }

  card(provider: string): Locator {
    return this.panel.locator(`[data-testid="enrichment-result"][data-provider="${provider}"]`)
  }

  /** Waits until the panel has loaded the indicator's results. */
  async loaded(): Promise<void> {
    await this.page
      .locator('[data-testid="enrichment-panel"]:not([data-state="loading"])')
      .waitFor()
  }

  /** Clicks "Enrich" (the indicator was never enriched) and waits for the run's job to finish. */
  async enrich(): Promise<void> {
    await this.loaded()
    const job = this.panel.getByTestId('enrichment-job')
    const before = await this.jobId(job)
    await this.panel.getByTestId('enrichment-enrich').click()
    await this.jobFinished(job, before)
  }

  /** Clicks "Re-run all" and waits for that run's job to finish. */
  async rerun(): Promise<void> {
    const job = this.panel.getByTestId('enrichment-job')
    const before = await this.jobId(job)
    await this.panel.getByTestId('enrichment-rerun').click()
    await this.jobFinished(job, before)
  }

  /** Waits until `provider`'s card reads `status` (done, queued, skipped ...). */
  async waitForCard(provider: string, status: string): Promise<void> {
    await this.panel
      .locator(
        `[data-testid="enrichment-result"][data-provider="${provider}"][data-status="${status}"]`,
      )
      .waitFor()
  }

  async readCard(provider: string): Promise<EnrichmentCard> {
    const card = this.card(provider)
    const facts: Record<string, string> = {}
    for (const fact of await card.getByTestId('enrichment-fact').all()) {
      const key = (await fact.locator('dt').getAttribute('data-key')) ?? ''
      facts[key] = (await fact.getByTestId('enrichment-fact-value').textContent()) ?? ''
    }
    const summary = card.getByTestId('enrichment-summary')
    return {
      provider,
      status: (await card.getAttribute('data-status')) ?? '',
      level: (await card.getAttribute('data-level')) ?? '',
      summary: (await summary.count()) > 0 ? ((await summary.textContent()) ?? '') : '',
      facts,
    }
  }

  /** The providers the panel shows a card for, in order. */
  async providers(): Promise<string[]> {
    const out: string[] = []
    for (const c of await this.panel.getByTestId('enrichment-result').all())
      out.push((await c.getAttribute('data-provider')) ?? '')
    return out
  }

  /** Opens a provider's raw response and answers its text as shown. */
  async raw(provider: string): Promise<string> {
    const card = this.card(provider)
    await card.getByTestId('enrichment-raw-toggle').click()
    const body = card.getByTestId('enrichment-raw-body')
    await body.waitFor()
    return (await body.textContent()) ?? ''
  }

  /** The skip reason a provider's card states ("not sent: TLP:RED is above …"). */
  async skipReason(provider: string): Promise<string> {
    return (await this.card(provider).getByTestId('enrichment-skip-text').textContent()) ?? ''
  }

  /**
   * "Send anyway…" on a provider skipped for TLP: the confirmation needs both the reason and the tick;
   * answers whether Send was enabled before the tick (it must not be).
   */
  async overrideTlp(provider: string, reason: string): Promise<{ enabledBeforeTick: boolean }> {
    await this.card(provider).getByTestId('enrichment-override').click()
    const dialog = this.page.getByTestId('enrichment-override-dialog')
    await dialog.waitFor()
    await dialog.getByTestId('enrichment-override-reason').fill(reason)
    const enabledBeforeTick = await dialog.getByTestId('enrichment-override-confirm').isEnabled()
    await dialog.getByTestId('enrichment-override-check').check()
    await dialog.getByTestId('enrichment-override-confirm').click()
    await dialog.waitFor({ state: 'detached' })
    return { enabledBeforeTick }
  }

  // ---- pivots ----

  get pivots(): Locator {
    return this.page.getByTestId('detail-panel').getByTestId('enrichment-pivots')
  }

  pivot(kind: string): Locator {
    return this.pivots.locator(`[data-testid="pivot"][data-kind="${kind}"]`)
  }

  /** Each pivot as the panel words it ("Indicators sharing AS208677 …: 1"), once they have loaded. */
  async pivotTexts(): Promise<Record<string, string>> {
    await this.pivots.getByTestId('pivot').first().waitFor()
    const out: Record<string, string> = {}
    for (const p of await this.pivots.getByTestId('pivot').all()) {
      out[(await p.getAttribute('data-kind')) ?? ''] =
        (await p.getByTestId('pivot-toggle').textContent()) ?? ''
    }
    return out
  }

  /** Opens a pivot and answers the peers it lists (their defanged values). */
  async openPivot(kind: string): Promise<string[]> {
    await this.pivot(kind).getByTestId('pivot-toggle').click()
    await this.pivot(kind).locator('[data-testid="pivot-peers"][data-state="ready"]').waitFor()
    return this.pivot(kind).getByTestId('pivot-peer-value').allTextContents()
  }

  /** "Open in graph" under an open pivot; waits for the graph to hold at least `nodes` nodes. */
  async openPivotInGraph(kind: string, nodes: number): Promise<Locator> {
    await this.pivot(kind).getByTestId('pivot-open-graph').click()
    const graph = this.page.getByTestId('intel-graph')
    await graph.waitFor()
    await this.page.waitForFunction(
      (n) =>
        Number(
          document.querySelector('[data-testid="intel-graph"]')?.getAttribute('data-nodes') ?? 0,
        ) >= n,
      nodes,
    )
    return graph
  }

  // ---- the Indicators toolbar ----

  /**
   * "Enrich…" in the Indicators view: the selected indicator or the whole query; waits for the job's end
   * and answers its progress line.
   */
  async enrichFromToolbar(source: 'selection' | 'query'): Promise<string> {
    const job = this.page.getByTestId('enrich-job')
    const before = await this.jobId(job)
    await this.page.getByTestId('enrich-button').click()
    const dialog = this.page.getByTestId('enrich-dialog')
    await dialog.waitFor()
    await dialog.getByTestId(`enrich-source-${source === 'query' ? 'filter' : source}`).check()
    if (source === 'query')
      await dialog.locator('[data-testid="enrich-filter-count"]:not([data-count=""])').waitFor()
    await dialog.getByTestId('enrich-start').click()
    await dialog.waitFor({ state: 'detached' })
    await this.jobFinished(job, before)
    return (await job.textContent()) ?? ''
  }

  /** The scan job a progress line shows now ('' for none). */
  private async jobId(job: Locator): Promise<string> {
    return (await job.count()) > 0 ? ((await job.getAttribute('data-id')) ?? '') : ''
  }

  /** Waits for a job other than `before` to read succeeded. */
  private async jobFinished(job: Locator, before: string): Promise<void> {
    await job
      .and(this.page.locator(`[data-status="succeeded"]:not([data-id="${before}"])`))
      .waitFor()
  }

  // ---- Settings → Enrichment ----

  get settings(): Locator {
    return this.page.getByTestId('settings-enrichment')
  }

  async openSettings(): Promise<void> {
    await this.page.getByTestId('nav-settings').click()
    await this.page.locator('[data-testid="settings-view"][data-state="ready"]').waitFor()
    await this.page.locator('[data-testid="settings-enrichment"][data-state="ready"]').waitFor()
  }

  async setOffline(offline: boolean): Promise<void> {
    const toggle = this.settings.getByTestId('enrichment-offline-toggle')
    if ((await toggle.isChecked()) !== offline) await toggle.click()
    await this.page
      .locator(
        `[data-testid="settings-enrichment"][data-state="ready"][data-offline="${String(offline)}"]`,
      )
      .waitFor()
  }

  provider(id: string): Locator {
    return this.settings.locator(`[data-testid="enrichment-provider"][data-provider="${id}"]`)
  }

  async setProviderEnabled(id: string, enabled: boolean): Promise<void> {
    const row = this.provider(id)
    const toggle = row.getByTestId('enrichment-provider-enabled')
    if ((await toggle.isChecked()) !== enabled) await toggle.click()
    await this.settings
      .locator(
        `[data-testid="enrichment-provider"][data-provider="${id}"][data-enabled="${String(enabled)}"]`,
      )
      .waitFor()
  }

  /** Types a key into the provider's write-only field and sets it; answers the key state shown after. */
  async setKey(id: string, key: string): Promise<string> {
    const row = this.provider(id)
    await row.getByTestId('enrichment-provider-key').fill(key)
    await row.getByTestId('enrichment-provider-key-set').click()
    const state = row.getByTestId('enrichment-provider-key-state').getByText('key set')
    await state.waitFor()
    return (await row.getByTestId('enrichment-provider-key-state').textContent()) ?? ''
  }

  /** Saves a per-minute budget; answers the error shown, or null once it saved. */
  async savePerMinute(id: string, value: string): Promise<string | null> {
    const row = this.provider(id)
    await row.getByTestId('enrichment-provider-per-minute').fill(value)
    await row.getByTestId('enrichment-provider-save').click()
    const outcome = row
      .getByTestId('enrichment-provider-error')
      .or(row.getByTestId('enrichment-provider-saved'))
    await outcome.waitFor()
    const error = row.getByTestId('enrichment-provider-error')
    return (await error.count()) > 0 ? await error.textContent() : null
  }

  // ---- the Enrichment (queue) view ----

  async openQueue(): Promise<void> {
    await this.page.getByTestId('nav-enrichment').click()
    await this.page.locator('[data-testid="enrichment-queue-view"][data-state="ready"]').waitFor()
    await this.page.locator('[data-testid="scan-jobs"][data-state="ready"]').waitFor()
  }

  /** The queue's count for a provider and a column (queued, done, skipped:tlp ...). */
  async queueCount(provider: string, column: string): Promise<number> {
    const cell = this.page.locator(
      `[data-testid="queue-provider"][data-provider="${provider}"] [data-count="${column}"]`,
    )
    return Number(((await cell.textContent()) ?? '').replaceAll(',', ''))
  }

  async scanJobStatuses(): Promise<string[]> {
    const out: string[] = []
    for (const j of await this.page.getByTestId('scan-job').all())
      out.push((await j.getAttribute('data-status')) ?? '')
    return out
  }
}
