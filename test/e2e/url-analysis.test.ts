import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AnalysisPage } from './support/analysis.page'
import { launchBrowser } from './support/browser'
import {
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'

const PHISH = 'http://paypa1-account-verify.tk/login/confirm'

const describeAnalysis = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let analysis: AnalysisPage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser)
    await h.open()
    analysis = new AnalysisPage(h.page)
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('a phishing URL: the verdict, its sources and contributions, and the incident it opened', async () => {
    await analysis.open()
    const v = await analysis.analyse(PHISH, 'paypa1-account-verify[.]tk')
    expect(await v.getAttribute('data-verdict')).toBe('malicious')
    expect(await v.getByTestId('verdict-label').textContent()).toBe('malicious')
    expect(await v.getByTestId('verdict-contribution').count()).toBe(5)
    const sources = await v
      .getByTestId('verdict-sources')
      .locator('[data-source]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-source')))
    expect(sources).toEqual(expect.arrayContaining(['model', 'link_score']))
    const { items } = await h.core.call('incidents.list', {})
    expect(items.map((i) => i.url)).toEqual([PHISH])
    const id = items[0]?.id ?? ''
    expect(await v.getByTestId('verdict-incident').textContent()).toContain('Opened incident')
    expect(await v.getByTestId('verdict-incident-id').textContent()).toBe(id.slice(0, 8))
    await h.screenshot('url-analysis')
  })

  it('a benign URL opens nothing; a URL that is not one says why', async () => {
    const v = await analysis.analyse('https://github.com/nodejs/node', 'nodejs/node')
    expect(await v.getAttribute('data-verdict')).toBe('benign')
    expect(await v.getByTestId('verdict-incident').textContent()).toContain('No incident opened')
    await analysis.dialog.getByTestId('analyze-url').fill('ftp://files.example/x')
    await analysis.dialog.getByTestId('analyze-submit').click()
    await analysis.dialog.getByTestId('analyze-error').waitFor()
    expect(await analysis.dialog.getByTestId('analyze-error').textContent()).toMatch(/url|http/i)
    // The browser logs the refused request (HTTP 400 invalid_input); over IPC nothing is logged.
    expect(h.problems.splice(0)).toEqual(
      h.kind === 'http'
        ? [
            'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
          ]
        : [],
    )
    await analysis.close()
    expect((await h.core.call('incidents.stats', {})).total).toBe(1)
  })
}

describe('URL analysis in the browser harness (HTTP)', () => describeAnalysis(startHttpHarness))
describe('URL analysis in the IPC-bridged harness', () => describeAnalysis(startIpcHarness))
