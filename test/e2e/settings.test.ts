import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './support/browser'
import {
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'

const openSettings = async (page: Page) => {
  await page.getByTestId('nav-settings').click()
  await page.locator('[data-testid="settings-view"][data-state="ready"]').waitFor()
}

const allowedHosts = (page: Page) =>
  page.getByTestId('allowed-host').locator('code').allTextContents()

const describeSettings = (start: StartHarness) => {
  let browser: Browser
  let h: Harness

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, {
      seed: async (core) => {
        await core.call('settings.update', { patch: { fetchAllowedHosts: ['misp.corp.example'] } })
      },
    })
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

  it('shows what is running and where its data lives', async () => {
    const info = await h.core.call('system.info', {})
    expect(await h.page.getByTestId('about-version').textContent()).toBe(info.version)
    expect(await h.page.getByTestId('about-schema').textContent()).toBe(String(info.schemaVersion))
    expect(await h.page.getByTestId('about-data-dir').textContent()).toBe(info.dataDir)
    await h.screenshot('settings')
  })

  it('saves the theme and follows a change made elsewhere', async () => {
    await h.page.getByTestId('settings-theme').selectOption('dark')
    await h.page.locator('html[data-theme="dark"]').waitFor()
    await expect.poll(async () => (await h.core.call('settings.get', {})).theme).toBe('dark')
    await h.core.call('settings.update', { patch: { theme: 'light' } })
    await h.page.locator('html[data-theme="light"]').waitFor()
    expect(await h.page.getByTestId('settings-theme').inputValue()).toBe('light')
  })

  if (start === startIpcHarness) {
    it('edits the hosts API-made feeds may fetch from, with the contract naming a bad one', async () => {
      expect(await allowedHosts(h.page)).toEqual(['misp.corp.example'])
      await h.page.getByTestId('allowed-host-input').fill('TAXII.corp.example')
      await h.page.getByTestId('allowed-host-add').click()
      await expect
        .poll(() => allowedHosts(h.page))
        .toEqual(['misp.corp.example', 'taxii.corp.example'])
      expect((await h.core.call('settings.get', {})).fetchAllowedHosts).toEqual([
        'misp.corp.example',
        'taxii.corp.example',
      ])

      await h.page.getByTestId('allowed-host-input').fill('https://10.0.0.5/taxii2/')
      await h.page.getByTestId('allowed-host-add').click()
      expect(await h.page.getByTestId('allowed-hosts-error').textContent()).toMatch(
        /not a host name or an IP address/,
      )
      expect(await h.page.getByTestId('allowed-host-input').inputValue()).toBe(
        'https://10.0.0.5/taxii2/',
      )

      await h.page.getByRole('button', { name: 'Remove misp.corp.example' }).click()
      await expect.poll(() => allowedHosts(h.page)).toEqual(['taxii.corp.example'])
      expect((await h.core.call('settings.get', {})).fetchAllowedHosts).toEqual([
        'taxii.corp.example',
      ])
    })

    it('switches the local REST API and its loopback address and port', async () => {
      // The box shows what is saved: it changes once settings.update has answered.
      await h.page.getByTestId('settings-http-enabled').click()
      await expect.poll(async () => (await h.core.call('settings.get', {})).httpEnabled).toBe(true)
      await h.page.getByTestId('settings-http-port').fill('70000')
      expect(await h.page.getByTestId('settings-api-save').isDisabled()).toBe(true)
      await h.page.getByTestId('settings-http-host').selectOption('::1')
      await h.page.getByTestId('settings-http-port').fill('4600')
      await h.page.getByTestId('settings-api-save').click()
      await expect
        .poll(async () => {
          const s = await h.core.call('settings.get', {})
          return [s.httpHost, s.httpPort]
        })
        .toEqual(['::1', 4600])
      await h.page.getByTestId('settings-http-enabled').click()
      await expect.poll(async () => (await h.core.call('settings.get', {})).httpEnabled).toBe(false)
      await h.page.locator('[data-testid="settings-http-enabled"]:not(:checked)').waitFor()
    })
  } else {
    it('shows the allowed hosts without letting the API change them, and where the API listens', async () => {
      expect(await allowedHosts(h.page)).toEqual(['misp.corp.example'])
      expect(await h.page.getByTestId('allowed-host-input').count()).toBe(0)
      expect(await h.page.getByTestId('allowed-hosts-readonly').textContent()).toContain(
        'threateye settings allow-host',
      )
      expect(await h.page.getByTestId('settings-api-url').textContent()).toBe(h.baseUrl)
      expect(await h.page.getByTestId('settings-http-enabled').count()).toBe(0)
    })
  }
}

describe('settings in a browser over HTTP', () => describeSettings(startHttpHarness))
describe('settings in the desktop renderer over the IPC bridge', () =>
  describeSettings(startIpcHarness))
