import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './support/browser'
import { ExportDialogPage } from './support/export.page'
import {
  SHOTS_DIR,
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'

const describeExport = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let dialog: ExportDialogPage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, {
      seed: async (core) => {
        await core.call('indicators.create', {
          value: 'http://phish.example.com/login',
          tlp: 'green',
          score: 90,
          description: '=HYPERLINK("http://x")',
        })
        await core.call('indicators.create', { value: '203.0.113.50', tlp: 'amber', score: 40 })
      },
    })
    dialog = new ExportDialogPage(h.page)
    await h.open()
    await h.page.locator('[data-testid="indicators-view"][data-state="ready"]').waitFor()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('warns about AMBER, asks to confirm, and saves the defanged CSV', async () => {
    await dialog.openFromIndicators()
    expect(await dialog.summary()).toContain('TLP:AMBER')
    expect(await dialog.summary()).toContain('2 indicators')
    expect(await dialog.warning.textContent()).toContain('Contains TLP:AMBER material')
    // The confirmation step: nothing can be written before it.
    expect(await dialog.startButton.isDisabled()).toBe(true)
    await h.page.screenshot({ path: join(SHOTS_DIR, `export-warning-${h.kind}.png`) })
    await dialog.run({ defang: true, confirmTlp: true })
    const saved = await dialog.save()
    expect(saved.name).toMatch(/^threateye-all-indicators-TLP-AMBER-\d{8}-\d{6}\.csv$/)
    const table = parse(saved.text)
    const header = table[0] ?? []
    expect(header.slice(0, 3)).toEqual(['tlp', 'type', 'value'])
    // The view's order (its default sort), values defanged, the formula neutralised.
    const rows = table.slice(1)
    expect(rows.map((r) => r[2]).sort()).toEqual([
      '203.0.113[.]50',
      'hxxp://phish[.]example[.]com/login',
    ])
    expect(rows.map((r) => r[0]).sort()).toEqual(['AMBER', 'GREEN'])
    const description = header.indexOf('description')
    expect(rows.find((r) => r[0] === 'GREEN')?.[description]).toBe(`'=HYPERLINK("http://x")`)
    await h.page.keyboard.press('Escape')
    await dialog.dialog.waitFor({ state: 'detached' })
    expect((await h.core.call('export.list', {})).items).toHaveLength(1)
  })

  it('previews a PDF export in the app before saving it', async () => {
    await dialog.openFromIndicators()
    await dialog.run({ format: 'pdf', defang: true, confirmTlp: true })
    expect(await dialog.previewPages()).toBeGreaterThan(0)
    await h.page.screenshot({ path: join(SHOTS_DIR, `export-pdf-preview-${h.kind}.png`) })
    const saved = await dialog.save()
    expect(saved.name).toMatch(/\.pdf$/)
    expect(saved.text.startsWith('%PDF-')).toBe(true)
    await h.page.keyboard.press('Escape')
    await dialog.dialog.waitFor({ state: 'detached' })
  })
}

describe('export in a browser over HTTP', () => {
  describeExport(startHttpHarness)
})

describe('export in the desktop renderer over the IPC bridge', () => {
  describeExport(startIpcHarness)
})
