import type { Locator, Page } from 'playwright-core'

/**
 * The Intel view and its graph as an analyst drives them, for both harnesses. Waits are on named DOM states
 * (the view's data-state and data-generation, the detail's data-updated, the graph's node counts), never
 * on elapsed time. The graph is a canvas: its state is read from the data attributes of its container.
 */
export class IntelPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get view(): Locator {
    return this.page.getByTestId('intel-view')
  }

  get detail(): Locator {
    return this.page.getByTestId('intel-detail')
  }

  get graph(): Locator {
    return this.page.getByTestId('intel-graph')
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-intel').click()
    await this.waitReady()
  }

  async waitReady(): Promise<void> {
    await this.page.locator('[data-testid="intel-view"][data-state="ready"]').waitFor()
  }

  async tab(id: 'threat-actor' | 'campaign' | 'vulnerability' | 'malware' | 'graph') {
    await this.page.getByTestId(`intel-tab-${id}`).click()
    await this.page.locator(`[data-testid="intel-view"][data-tab="${id}"]`).waitFor()
    await this.waitReady()
  }

  field(key: string): Locator {
    return this.page.getByTestId(`intel-field-${key}`)
  }

  fieldError(key: string): Locator {
    return this.page.getByTestId(`intel-field-${key}-error`)
  }

  async startCreate(): Promise<void> {
    await this.page.getByTestId('intel-new').click()
    await this.page.getByTestId('intel-form').waitFor()
  }

  /** Saves the open form and waits for the entity it created to show in the detail pane. */
  async save(name: string): Promise<string> {
    await this.page.getByTestId('intel-save').click()
    await this.page
      .locator('[data-testid="intel-detail"][data-state="ready"]')
      .filter({ has: this.page.getByTestId('intel-detail-name').filter({ hasText: name }) })
      .waitFor()
    return (await this.detail.getAttribute('data-id')) ?? ''
  }

  row(name: string): Locator {
    return this.page.getByTestId('intel-row').filter({ hasText: name })
  }

  async openRow(name: string): Promise<void> {
    await this.row(name).click()
    await this.page
      .locator('[data-testid="intel-detail"][data-state="ready"]')
      .filter({ has: this.page.getByTestId('intel-detail-name').filter({ hasText: name }) })
      .waitFor()
  }

  matrixCell(technique: string): Locator {
    return this.page.locator(`[data-testid="matrix-cell"][data-technique="${technique}"]`)
  }

  /** Adds a technique through the picker (search, click the hit) and waits for the saved entity. */
  async addTechnique(query: string, technique: string): Promise<void> {
    const editing = await this.page.getByTestId('edit-techniques').getAttribute('aria-pressed')
    if (editing !== 'true') await this.page.getByTestId('edit-techniques').click()
    await this.page.getByTestId('technique-search').fill(query)
    await this.page.locator(`[data-testid="technique-hit"][data-technique="${technique}"]`).click()
    // The saved entity's technique list shows it (the chip is drawn from what intel.update answered).
    await this.page
      .locator(`[data-testid="technique-list"] [data-technique="${technique}"]`)
      .waitFor()
    await this.page.getByTestId('edit-techniques').click()
  }

  /** Links the open entity to an object found by `query`, in the given direction and type. */
  async addRelationship(opts: {
    type: string
    incoming: boolean
    query: string
    pick: string
  }): Promise<void> {
    const rows = this.page.getByTestId('relationship')
    const before = await rows.count()
    await this.page.getByTestId('relationship-direction').selectOption(opts.incoming ? 'in' : 'out')
    await this.page.getByTestId('relationship-type').selectOption(opts.type)
    await this.page.getByTestId('relationship-search').fill(opts.query)
    await this.page.getByTestId('object-hit').filter({ hasText: opts.pick }).first().click()
    await this.page.getByTestId('relationship-target').waitFor()
    await this.page.getByTestId('relationship-add').click()
    await this.page
      .locator(`[data-testid="intel-relationships"][data-count="${before + 1}"]`)
      .waitFor()
  }

  /** Waits until the graph settled with exactly `nodes` nodes on the canvas. */
  async waitGraph(nodes: number): Promise<void> {
    await this.page
      .locator(`[data-testid="intel-graph"][data-state="ready"][data-nodes="${nodes}"]`)
      .waitFor()
  }

  async graphCounts(): Promise<{ nodes: number; edges: number; visible: number }> {
    const g = this.graph
    return {
      nodes: Number(await g.getAttribute('data-nodes')),
      edges: Number(await g.getAttribute('data-edges')),
      visible: Number(await g.getAttribute('data-visible-nodes')),
    }
  }

  /** Selects a node through "Find in graph" (the canvas has no DOM nodes to click). */
  async selectNode(label: string): Promise<void> {
    await this.page.getByTestId('graph-find').fill(label)
    await this.page.getByTestId('graph-find-hit').filter({ hasText: label }).first().click()
    await this.page.getByTestId('graph-summary-label').filter({ hasText: label }).waitFor()
  }

  async expandSelected(): Promise<void> {
    await this.page.getByTestId('graph-expand').click()
  }

  async toggleKind(kind: string): Promise<void> {
    await this.page.getByTestId(`graph-kind-${kind}`).click()
  }
}
