import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './support/browser'
import {
  SHOTS_DIR,
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'
import { ProjectsPage } from './support/projects.page'

const describeProjectFlows = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let projects: ProjectsPage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser)
    projects = new ProjectsPage(h.page)
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    // No uncaught errors and no CSP violations in any flow.
    expect(h.problems.splice(0)).toEqual([])
  })

  it('creates a project, refuses a taken name, renames, describes and tags it', async () => {
    await projects.open()
    await h.page.getByTestId('projects-empty').waitFor()
    await projects.create({
      name: 'Operation Dusk',
      description: 'APT28 case',
      tags: 'apt, russia',
    })
    expect(await projects.row('Operation Dusk').locator('.tag').allTextContents()).toEqual([
      'apt',
      'russia',
    ])

    await h.page.getByTestId('new-project').click()
    const dialog = h.page.getByTestId('create-project-dialog')
    await dialog.getByTestId('project-name').fill('Operation Dusk')
    await dialog.getByTestId('create-project-submit').click()
    await expect
      .poll(() => dialog.getByTestId('project-form-error').textContent())
      .toContain('already exists')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    // The browser logs the refused request (409) itself: that one was asked for.
    const refused = h.problems.findIndex((m) => m.includes('409'))
    if (refused >= 0) h.problems.splice(refused, 1)

    await projects.edit('Operation Dusk', {
      name: 'Operation Dawn',
      description: 'Renamed case',
      tags: 'apt, ransomware, apt',
    })
    const stored = await h.core.call('projects.list', {})
    expect(stored.items).toMatchObject([
      { name: 'Operation Dawn', description: 'Renamed case', tags: ['apt', 'ransomware'] },
    ])
  })

  it('shows the statistics of the project indicators', async () => {
    const [p] = (await h.core.call('projects.list', {})).items
    await h.core.call('indicators.bulkCreate', {
      text: '203.0.113.1\n203.0.113.2\ndawn.example',
      defaults: { projectId: p?.id, severity: 'high' },
    })
    // The open project's figures follow the import.
    await projects.statsWithTotal(3)
    expect(await projects.countOf('project-by-type', 'ip').textContent()).toBe('2')
    expect(await projects.countOf('project-by-type', 'domain').textContent()).toBe('1')
    expect(await projects.countOf('project-by-severity', 'high').textContent()).toBe('3')
    expect(await h.page.getByTestId('project-last-activity').textContent()).not.toBe('none')
    await h.page.screenshot({ path: join(SHOTS_DIR, `projects-${h.kind}-stats.png`) })
  })

  it('archives (hidden unless asked), unarchives', async () => {
    await projects.detail('Operation Dawn').getByTestId('project-archive').click()
    await projects.row('Operation Dawn').waitFor({ state: 'detached' })
    await projects.showArchived(true)
    await projects.row('Operation Dawn').and(h.page.locator('[data-archived="true"]')).waitFor()
    await projects.select('Operation Dawn')
    await projects.detail('Operation Dawn').getByTestId('project-unarchive').click()
    await projects.row('Operation Dawn').and(h.page.locator('[data-archived="false"]')).waitFor()
  })

  it('deletes after a confirmation that says the indicators are kept', async () => {
    await projects.select('Operation Dawn')
    await projects.statsWithTotal(3)
    await projects.detail('Operation Dawn').getByTestId('project-delete').click()
    const confirm = h.page.getByTestId('confirm-dialog')
    expect(await confirm.textContent()).toContain(
      'Its 3 indicators will be kept, without a project',
    )
    await confirm.getByTestId('confirm-button').click()
    await projects.row('Operation Dawn').waitFor({ state: 'detached' })
    const left = await h.core.call('indicators.list', {})
    expect(left.items).toHaveLength(3)
    expect(left.items.every((i) => i.projectId === null)).toBe(true)
  })
}

describe('projects in a browser over HTTP', () => {
  describeProjectFlows(startHttpHarness)
})

describe('projects in the desktop renderer over the IPC bridge', () => {
  describeProjectFlows(startIpcHarness)
})
