import type { Locator, Page } from 'playwright-core'

/**
 * The Projects view as a tester drives it, for both harnesses. Waits are on named DOM states (data-state,
 * data-name, data-total), never on elapsed time.
 */
export class ProjectsPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  get view(): Locator {
    return this.page.getByTestId('projects-view')
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-projects').click()
    await this.page.locator('[data-testid="projects-view"][data-state="ready"]').waitFor()
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="project-row"][data-name="${cssString(name)}"]`)
  }

  detail(name: string): Locator {
    return this.page.locator(`[data-testid="project-detail"][data-name="${cssString(name)}"]`)
  }

  async create(input: { name: string; description?: string; tags?: string }): Promise<void> {
    await this.page.getByTestId('new-project').click()
    const dialog = this.page.getByTestId('create-project-dialog')
    await dialog.getByTestId('project-name').fill(input.name)
    if (input.description) await dialog.getByTestId('project-description').fill(input.description)
    if (input.tags) await dialog.getByTestId('project-tags').fill(input.tags)
    await dialog.getByTestId('create-project-submit').click()
    await dialog.waitFor({ state: 'detached' })
    await this.detail(input.name).waitFor()
  }

  async select(name: string): Promise<void> {
    await this.row(name).click()
    await this.detail(name).waitFor()
  }

  /** Edits the selected project's fields and saves; waits for the detail to carry the (new) name. */
  async edit(
    current: string,
    patch: { name?: string; description?: string; tags?: string },
  ): Promise<void> {
    const d = this.detail(current)
    if (patch.name !== undefined) await d.getByTestId('project-name').fill(patch.name)
    if (patch.description !== undefined)
      await d.getByTestId('project-description').fill(patch.description)
    if (patch.tags !== undefined) await d.getByTestId('project-tags').fill(patch.tags)
    await d.getByTestId('project-save').click()
    await this.detail(patch.name ?? current).waitFor()
  }

  /** Waits until the selected project's statistics are loaded and count `total` indicators. */
  async statsWithTotal(total: number): Promise<Locator> {
    const stats = this.page.locator(
      `[data-testid="project-stats"][data-state="ready"][data-total="${total}"]`,
    )
    await stats.waitFor()
    return stats
  }

  countOf(list: 'project-by-type' | 'project-by-severity', key: string): Locator {
    return this.page.getByTestId(list).locator(`[data-key="${cssString(key)}"] dd`)
  }

  async showArchived(on: boolean): Promise<void> {
    const box = this.page.getByTestId('projects-show-archived')
    if ((await box.isChecked()) !== on) await box.click()
  }
}

const cssString = (s: string): string => s.replace(/["\\]/g, '\\$&')
