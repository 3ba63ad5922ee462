import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './support/browser'
import { shotPath, startHttpHarness, type Harness } from './support/harness'
import { IndicatorsPage } from './support/indicators.page'
import { describeIndicatorFlows } from './support/indicators.scenarios'
import { describePasteFileFlows } from './support/paste-file.scenarios'
import { describePaging } from './support/paging.scenarios'

// (a) Headless mode: the browser build against the real fastify server (HTTP + SSE, bearer token).
describe('indicators in a browser over HTTP', () => {
  describeIndicatorFlows(startHttpHarness)
  describePasteFileFlows(startHttpHarness)
})

describe('200,000 indicators in a browser over HTTP', () => {
  describePaging(startHttpHarness)
})

describe('the API token in the browser', () => {
  let browser: Browser
  let h: Harness

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await startHttpHarness(browser)
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  it('takes the token from the URL once and removes it from the address bar', async () => {
    await h.open()
    expect(h.page.url()).toBe(`${h.baseUrl}/`)
    expect(await h.page.evaluate('sessionStorage.getItem("threateye.apiToken")')).toMatch(
      /^[A-Za-z0-9_-]{43}$/,
    )
    // A reload has no token in the URL any more; the tab's session still has it.
    await h.page.reload()
    await h.page.locator('[data-testid="indicators-view"][data-state="ready"]').waitFor()
    expect(h.problems.splice(0)).toEqual([])
  })

  it('tells the user to open the printed URL when there is no token', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(`${h.baseUrl}/`)
    const screen = page.locator('[data-testid="token-screen"][data-reason="missing"]')
    await screen.waitFor()
    expect(await screen.textContent()).toContain('Open the URL that threateye serve printed')
    await page.screenshot({ path: shotPath('http', 'token-missing') })
    await page.close()
  })

  it('says the link is no longer valid when the server refuses the token', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(`${h.baseUrl}/#token=not-the-real-token`)
    const screen = page.locator('[data-testid="token-screen"][data-reason="invalid"]')
    await screen.waitFor()
    expect(page.url()).toBe(`${h.baseUrl}/`)
    expect(await screen.textContent()).toContain('no longer valid')
    await page.close()
  })
})

describe('searching while the search index is behind', () => {
  let browser: Browser
  let h: Harness

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await startHttpHarness(browser, {
      seed: async (core) => {
        const items = Array.from({ length: 20 }, (_, i) => ({
          type: 'domain' as const,
          value: `indexed${i}.example`,
        }))
        await core.call('indicators.bulkCreate', { items })
        await core.waitForIdle()
      },
    })
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  it('says the result may be incomplete, how far the index has got, and refreshes once it caught up', async () => {
    await h.open()
    const ui = new IndicatorsPage(h.page)
    const notice = h.page.getByTestId('search-index-notice')
    // A write lock on search.sqlite holds the indexer back, whatever the machine's speed.
    const lock = new Database(join(h.core.dataDir, 'search.sqlite'))
    try {
      lock.exec('BEGIN IMMEDIATE')
      const items = Array.from({ length: 10 }, (_, i) => ({
        type: 'domain' as const,
        value: `pending${i}.example`,
      }))
      await h.core.call('indicators.bulkCreate', { items })
      await ui.search('pending3.example')
      await notice.waitFor()
      expect(await notice.textContent()).toBe(
        'Search index is rebuilding: 20 of 30 indexed; results may be incomplete',
      )
      await ui.waitForTotal('0 indicators')
      await h.screenshot('search-index-notice')
    } finally {
      lock.exec('ROLLBACK')
      lock.close()
    }
    // The indexer gets through once the lock is gone; the view notices, drops the notice and shows the row.
    await notice.waitFor({ state: 'detached', timeout: 30_000 })
    await ui.row('pending3[.]example').waitFor({ timeout: 30_000 })
    await ui.waitForTotal('1 indicator')
    expect(h.problems.splice(0)).toEqual([])
  }, 90_000)
})
