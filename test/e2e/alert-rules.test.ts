import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './support/browser'
import {
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'

// Alert rules and the webhook in Settings, in both harnesses: the rule the form creates is the core's,
// raises alerts, and the nav counts the open ones.

const openSettings = async (page: Page) => {
  await page.getByTestId('nav-settings').click()
  await page.locator('[data-testid="settings-alert-rules"][data-state="ready"]').waitFor()
}

const ruleNames = (page: Page) => page.getByTestId('alert-rule-name').allTextContents()

const describeAlertRules = (start: StartHarness) => {
  let browser: Browser
  let h: Harness

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser)
    await h.open()
    await openSettings(h.page)
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('creates a rule in Settings; a bad value is named and nothing is saved', async () => {
    const { page } = h
    expect(await page.getByTestId('alert-rules-empty').textContent()).toContain('No rule')
    await page.getByTestId('alert-rule-name-input').fill('Scores of 500')
    await page.getByTestId('alert-rule-value').fill('500')
    await page.getByTestId('alert-rule-add').click()
    await page.getByTestId('alert-rule-error-condition').waitFor()
    expect(await page.getByTestId('alert-rule-error-condition').textContent()).toMatch(/100/)
    expect((await h.core.call('alerts.listRules', {})).items).toEqual([])
    // A browser logs the refused request (400) by itself: that one is expected, nothing else.
    expect(h.problems.splice(0).filter((p) => !p.includes('status of 400'))).toEqual([])

    await page.getByTestId('alert-rule-name-input').fill('Watched tag')
    await page.getByTestId('alert-rule-kind').selectOption('tag')
    await page.getByTestId('alert-rule-value').fill('apt29')
    await page.getByTestId('alert-rule-severity').fill('85')
    await page.getByTestId('alert-rule-add').click()
    await expect.poll(() => ruleNames(page)).toEqual(['Watched tag'])
    expect(await page.getByTestId('alert-rule-condition').textContent()).toBe(
      'tag apt29, severity 85',
    )
    expect(await page.getByTestId('alert-rule-name-input').inputValue()).toBe('')
    const [rule] = (await h.core.call('alerts.listRules', {})).items
    expect(rule).toMatchObject({
      name: 'Watched tag',
      enabled: true,
      suppressWarninglisted: true,
      alertSeverity: 85,
      condition: { kind: 'tag', tag: 'apt29' },
    })
    await h.screenshot('alert-rules')
  })

  it('the rule raises alerts and the nav counts the open ones', async () => {
    await h.core.call('indicators.bulkCreate', {
      text: 'one.evil-c2.net\ntwo.evil-c2.net\n',
      defaults: { tags: ['apt29'] },
    })
    await h.core.waitForIdle()
    await expect.poll(() => h.page.getByTestId('open-alerts-badge').textContent()).toBe('2')
    const { items } = await h.core.call('alerts.list', {})
    await h.core.call('alerts.resolve', { ids: items.map((a) => a.id) })
    await h.page.getByTestId('open-alerts-badge').waitFor({ state: 'detached' })
  })

  it('switches a rule off and deletes it', async () => {
    const { page } = h
    await page.getByTestId('alert-rule-enabled').click()
    await expect
      .poll(async () => (await h.core.call('alerts.listRules', {})).items[0]?.enabled)
      .toBe(false)
    await page.getByRole('button', { name: 'Delete rule Watched tag' }).click()
    await page.getByTestId('alert-rules-empty').waitFor()
    expect((await h.core.call('alerts.listRules', {})).items).toEqual([])
  })

  it('sets the webhook; the secret is written, never shown back', async () => {
    const { page } = h
    await page.getByTestId('alert-webhook-url').fill('https://hooks.example.com/threateye')
    await page.getByTestId('alert-webhook-secret').fill('a-secret-of-sixteen+')
    await page.getByTestId('alert-webhook-save').click()
    await page.getByTestId('alert-webhook-secret-remove').waitFor()
    expect(await page.getByTestId('alert-webhook-secret').inputValue()).toBe('')
    expect(await h.core.call('alerts.getSettings', {})).toEqual({
      notifications: true,
      webhook: { url: 'https://hooks.example.com/threateye', hasSecret: true },
    })
    expect(await page.content()).not.toContain('a-secret-of-sixteen+')
    await page.getByTestId('settings-alert-notifications').click()
    await expect
      .poll(async () => (await h.core.call('alerts.getSettings', {})).notifications)
      .toBe(false)
  })
}

describe('alert rules in a browser over HTTP', () => describeAlertRules(startHttpHarness))
describe('alert rules in the desktop renderer over the IPC bridge', () =>
  describeAlertRules(startIpcHarness))
