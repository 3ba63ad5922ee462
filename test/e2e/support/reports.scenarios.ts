import { ExportDialogPage } from './export.page'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import type { Harness, StartHarness } from './harness'
import { IndicatorsPage } from './indicators.page'
import { ReportsPage } from './reports.page'

const MARKDOWN = [
  '## Lantern overview',
  '',
  'Phishing with **macro** documents. See [the advisory](https://lantern.example/advisory).',
  '',
  '<script>window.__pwned = true</script><img src="https://tracker.example/p.gif">',
  '',
  '![diagram](https://cdn.example/diagram.png)',
  '',
  '| Indicator | Role |',
  '| --- | :-: |',
  '| 198.51.100.7 | C2 |',
  '| lantern.example | phishing |',
].join('\n')

/**
 * Writing a threat report end to end, the same in both harnesses: Markdown with a live preview (a heading and
 * a table; raw HTML, links and images inert), TLP AMBER, indicators attached from the Indicators view's
 * selection and from a search, an entity attached by search, publish.
 */
export const describeReportFlow = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let reports: ReportsPage
  let indicators: IndicatorsPage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, {
      seed: async (core) => {
        await core.call('indicators.bulkCreate', {
          text: '198.51.100.7\nlantern.example\n203.0.113.50',
          defaults: { severity: 'high' },
        })
        await core.call('intel.create', { kind: 'threat-actor', name: 'Lantern Spider' })
      },
    })
    reports = new ReportsPage(h.page)
    indicators = new IndicatorsPage(h.page)
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    // No uncaught errors and no CSP violations (an image fetched from the preview would be one).
    expect(h.problems.splice(0)).toEqual([])
  })

  it('writes a report whose preview shows a heading and a table, and nothing active', async () => {
    await reports.open()
    await reports.newReport()
    await h.page.getByTestId('report-title').fill('Operation Lantern')
    await h.page.getByTestId('report-summary').fill('A phishing wave delivering a loader')
    await h.page.getByTestId('report-authors').fill('Ana, Bo')
    // The toolbar's table lands in the textarea and the preview at once.
    await h.page.getByTestId('md-tool-table').click()
    expect(await h.page.getByTestId('report-content').inputValue()).toContain('| --- | --- |')
    await reports.preview.locator('th', { hasText: 'Column' }).first().waitFor()
    await reports.writeContent(MARKDOWN)
    await reports.preview.getByRole('heading', { name: 'Lantern overview' }).waitFor()
    const table = reports.preview.locator('table')
    await table.waitFor()
    expect(await table.locator('th').allTextContents()).toEqual(['Indicator', 'Role'])
    expect(await table.locator('tbody tr').count()).toBe(2)
    // Raw HTML is dropped, links and images are shown as text: nothing to click, nothing fetched.
    expect(await reports.preview.locator('script, img, a, iframe').count()).toBe(0)
    expect(await reports.preview.getByTestId('md-link').textContent()).toContain(
      'https://lantern.example/advisory',
    )
    expect(await reports.preview.getByTestId('md-image').textContent()).toContain(
      'https://cdn.example/diagram.png',
    )
    expect(await h.page.evaluate(() => '__pwned' in window)).toBe(false)

    await reports.setTlp('amber')
    expect(await h.page.getByTestId('report-save-state').textContent()).toBe('Unsaved changes')
    const id = await reports.save()
    const stored = await h.core.call('intel.get', { id })
    expect(stored).toMatchObject({
      kind: 'report',
      name: 'Operation Lantern',
      tlp: 'amber',
      details: { authors: ['Ana', 'Bo'], content: MARKDOWN, published: false },
    })
    await reports.row('Operation Lantern').waitFor()
  })

  it('shows unsaved changes until saved', async () => {
    await h.page.getByTestId('report-severity').selectOption('high')
    await h.page.locator('[data-testid="report-editor"][data-dirty="true"]').waitFor()
    expect(await h.page.getByTestId('report-save-state').textContent()).toBe('Unsaved changes')
    await reports.save()
  })

  it('attaches an indicator from the Indicators view selection', async () => {
    await h.page.getByTestId('nav-indicators').click()
    await indicators.waitReady()
    await indicators.open('198.51.100[.]7')
    await h.page.getByTestId('add-to-report').click()
    const dialog = h.page.getByTestId('add-to-report-dialog')
    await dialog.locator('[data-testid="add-to-report-list"][data-state="ready"]').waitFor()
    expect(await dialog.getByTestId('add-source-selection').isChecked()).toBe(true)
    await dialog.getByTestId('add-to-report-option').first().check()
    await dialog.getByTestId('add-to-report-confirm').click()
    await dialog.waitFor({ state: 'detached' })

    await reports.open()
    await reports.row('Operation Lantern').click()
    await reports.waitForContents(1, 0)
    expect(await reports.attached('indicators').textContent()).toContain('198.51.100[.]7')
  })

  it('attaches an indicator from a search and an entity by name', async () => {
    await reports.attachBySearch('indicators', 'lantern.example', 'lantern[.]example')
    await reports.waitForContents(2, 0)
    await reports.attachBySearch('entities', 'Lantern Sp', 'Lantern Spider')
    await reports.waitForContents(2, 1)
    expect(await reports.attached('entities').textContent()).toContain('Lantern Spider')
  })

  it("attaches everything the Indicators view's filter matches, counted first", async () => {
    await h.page.getByTestId('nav-indicators').click()
    await indicators.waitReady()
    const before = await indicators.generation()
    await h.page.getByTestId('filter-type').selectOption('ip')
    await indicators.waitForNewResults(before)
    await reports.open()
    await reports.row('Operation Lantern').click()
    await reports.waitForContents(2, 1)
    await h.page.getByTestId('attach-mode-filter').click()
    // Both addresses match; one of them is already in the report.
    const button = h.page
      .locator('[data-testid="attach-filter"][data-count="2"]')
      .getByTestId('attach-filter-button')
    expect(await button.textContent()).toBe('Attach all 2 matching')
    expect(await h.page.getByTestId('attach-filter').textContent()).toContain('type ip')
    await button.click()
    await reports.waitForContents(3, 1)
    expect(await reports.attached('indicators').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('203.0.113[.]50')]),
    )
  })

  it('removes what it attached, and publishes', async () => {
    await reports.attached('entities').getByTestId('detach-object').click()
    await reports.waitForContents(3, 0)
    await reports.attachBySearch('entities', 'Lantern', 'Lantern Spider')
    await reports.waitForContents(3, 1)

    await reports.publish()
    await h.page.getByTestId('report-published-note').waitFor()
    // The list follows the change event.
    await reports
      .row('Operation Lantern')
      .getByTestId('report-status')
      .filter({ hasText: 'Published' })
      .waitFor()
    const list = await h.core.call('intel.list', { kind: 'report', limit: 10 })
    expect(list.items[0]?.details).toMatchObject({ published: true })
    await h.screenshot('report-published')
  })

  it('says when attached items are marked stricter than the report', async () => {
    expect(await h.page.getByTestId('report-tlp-note').count()).toBe(0)
    await reports.setTlp('green')
    await reports.save()
    // The indicators were imported as AMBER (the default); the actor is CLEAR.
    expect(await h.page.getByTestId('report-tlp-note').textContent()).toContain(
      "3 attached items are marked stricter than this report's TLP:GREEN",
    )
  })

  it('exports the report: a PDF previewed in the app, then STIX, each marked AMBER', async () => {
    const dialog = new ExportDialogPage(h.page)
    await h.page.getByTestId('report-export').click()
    await dialog.waitFor('ready')
    // The report holds AMBER indicators: the dialog says so before anything is written.
    expect(await dialog.warning.textContent()).toContain('AMBER')
    await dialog.run({ format: 'pdf', confirmTlp: true })
    expect(await dialog.previewPages()).toBeGreaterThan(0)
    const pdf = await dialog.save()
    expect(pdf.name).toMatch(/TLP-AMBER.*\.pdf$/)
    expect(pdf.text.startsWith('%PDF-')).toBe(true)
    await h.page.keyboard.press('Escape')
    await dialog.dialog.waitFor({ state: 'detached' })

    await h.page.getByTestId('report-export').click()
    await dialog.waitFor('ready')
    await dialog.run({ format: 'stix', confirmTlp: true })
    const stix = await dialog.save()
    const bundle = JSON.parse(stix.text) as {
      type: string
      objects: { type: string; name?: string }[]
    }
    expect(bundle.type).toBe('bundle')
    expect(bundle.objects.find((o) => o.type === 'report')?.name).toBe('Operation Lantern')
    expect(bundle.objects.some((o) => o.type === 'marking-definition')).toBe(true)
  })
}
