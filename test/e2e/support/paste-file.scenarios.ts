import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { SAMPLE_HTML, sampleEml } from '../../fixtures/extract/documents'
import { launchBrowser } from './browser'
import type { Harness, StartHarness } from './harness'
import { IndicatorsPage } from './indicators.page'

/**
 * Files in the paste box: a chosen .eml and a dropped .html go to the core's extraction as bytes (the page
 * never renders them), and their items are reviewed and imported like those of pasted text. Both harnesses
 * run these.
 */
export const describePasteFileFlows = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let ui: IndicatorsPage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser)
    ui = new IndicatorsPage(h.page)
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  const found = async () =>
    (await ui.extracted()).evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-kind'), e.getAttribute('data-value')]),
    )

  it('extracts from a chosen .eml file and imports what stays ticked', async () => {
    await ui.openPaste()
    await h.page.getByTestId('paste-file-input').setInputFiles({
      name: 'lure.eml',
      mimeType: 'message/rfc822',
      buffer: sampleEml(),
    })
    await h.page.locator('[data-testid="paste-file"][data-name="lure.eml"]').waitFor()
    expect(await h.page.getByTestId('paste-text').isDisabled()).toBe(true)
    const items = await found()
    expect(items).toContainEqual(['ip', '203.0.113.9'])
    expect(items).toContainEqual(['url', 'https://login.paypa1-secure.com/verify?id=9'])
    expect(items).toContainEqual(['file-name', 'statement.pdf.exe'])
    // The HTML part's script is never read as text.
    expect(items.flat().join(' ')).not.toContain('script-only')
    for (const [, value] of items.slice(1)) {
      await ui
        .extractItem(value ?? '')
        .getByTestId('extract-tick')
        .uncheck()
    }
    await h.page.locator('[data-testid="extract-count"]', { hasText: /^1$/ }).waitFor()
    const report = await ui.importPasted()
    expect(await report.getByTestId('report-created').textContent()).toBe('1')
    await h.page.getByTestId('import-done').click()
    expect(await h.core.call('indicators.lookup', { value: items[0]?.[1] ?? '' })).not.toBeNull()
  })

  it('extracts from a dropped .html file, and goes back to typing', async () => {
    await ui.openPaste()
    const data = SAMPLE_HTML
    await h.page.getByTestId('paste-text').evaluate((box, html) => {
      const dt = new DataTransfer()
      dt.items.add(new File([html], 'page.html', { type: 'text/html' }))
      for (const type of ['dragover', 'drop']) {
        box.dispatchEvent(
          new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }),
        )
      }
    }, data)
    await h.page.locator('[data-testid="paste-file"][data-name="page.html"]').waitFor()
    const items = await found()
    expect(items).toContainEqual(['url', 'https://collect.phish-kit.com/post.php'])
    expect(items).toContainEqual(['md5', '44d88612fea8a8f36de82e453abbb8f0'])
    expect(items.flat().join(' ')).not.toMatch(/script-only|style-only|comment-only/)
    await h.screenshot('paste-dropped-html')
    await h.page.getByRole('button', { name: 'type or paste instead' }).click()
    expect(await h.page.getByTestId('paste-text').isDisabled()).toBe(false)
    await h.page.getByRole('button', { name: 'Cancel' }).click()
  })
}
