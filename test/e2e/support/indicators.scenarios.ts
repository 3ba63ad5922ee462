import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { launchBrowser } from './browser'
import type { Harness, StartHarness } from './harness'
import { IndicatorsPage } from './indicators.page'

/**
 * The analyst's everyday flows. Both harnesses run exactly these, so the browser build over HTTP and the
 * desktop renderer over the IPC bridge are held to the same behaviour.
 */
export const describeIndicatorFlows = (start: StartHarness) => {
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
    // No uncaught errors, no CSP violations, no failed requests in any flow.
    expect(h.problems.splice(0)).toEqual([])
  })

  it('starts empty, with the navigation, the search box and the total', async () => {
    await ui.waitForTotal('0 indicators')
    await h.page.getByTestId('empty-state').waitFor()
    const nav = h.page.getByRole('navigation', { name: 'Main' })
    await nav
      .getByRole('link', { name: 'Indicators' })
      .and(nav.locator('[aria-current="page"]'))
      .waitFor()
    await h.page.getByRole('searchbox', { name: 'Search indicators' }).waitFor()
    await h.screenshot('empty-light')
  })

  it('creates an indicator after showing why an invalid value is refused', async () => {
    await ui.openCreate()
    await ui.createValue.fill('definitely not an indicator!!')
    await ui.createValueError.waitFor()
    expect(await ui.createValueError.textContent()).toMatch(/could not tell the type/)
    expect(await h.page.getByTestId('create-submit').isDisabled()).toBe(true)
    await h.screenshot('create-invalid')

    await ui.createValue.fill('hxxp://Evil-Create[.]example/payload')
    await ui.createDetected
      .getByText('hxxp://evil-create[.]example/payload', { exact: true })
      .waitFor()
    await ui.createValueError.waitFor({ state: 'detached' })
    await h.page.getByTestId('create-severity').selectOption('high')
    await h.page.getByTestId('create-tags').fill('c2, e2e')
    await h.screenshot('create-valid')
    await ui.submitCreate()

    await ui.row('hxxp://evil-create[.]example/payload').waitFor()
    await ui.detail
      .getByTestId('detail-value')
      .getByText('hxxp://evil-create[.]example/payload')
      .waitFor()
    await ui.waitForTotal('1 indicator')
    const stored = await h.core.call('indicators.lookup', {
      value: 'http://evil-create.example/payload',
    })
    expect(stored).toMatchObject({ type: 'url', severity: 'high', tags: ['c2', 'e2e'] })
    await h.screenshot('detail-light')
  })

  it('refuses a duplicate with a message naming the value', async () => {
    await ui.openCreate()
    await ui.createValue.fill('http://evil-create.example/payload')
    await ui.createDetected.waitFor()
    await h.page.getByTestId('create-submit').click()
    const error = h.page.getByTestId('create-error')
    await error.waitFor()
    expect(await error.textContent()).toContain('hxxp://evil-create[.]example/payload')
    // Chromium logs every 4xx fetch; over HTTP the refused create is exactly one 409, and expected.
    if (h.kind === 'http') {
      expect(h.problems.splice(0)).toEqual([expect.stringContaining('409 (Conflict)')])
    }
    await h.page.keyboard.press('Escape')
    await h.page.getByTestId('create-dialog').waitFor({ state: 'detached' })
  })

  it('finds an indicator by search, and only it', async () => {
    // Made in-process: the page learns of them through the change event.
    await h.core.call('indicators.create', { value: 'alphasearch.example', severity: 'low' })
    await h.core.call('indicators.create', { value: 'betasearch.example', severity: 'low' })
    await ui.waitForTotal('3 indicators')
    await ui.search('alphasearch')
    await ui.waitForTotal('1 indicator')
    await ui.row('alphasearch[.]example').waitFor()
    expect(await ui.rows.count()).toBe(1)
    await ui.search('')
    await ui.waitForTotal('3 indicators')
  })

  it('edits the severity in the detail panel and shows it in the table', async () => {
    await ui.open('betasearch[.]example')
    await ui.editSeverity('critical')
    await ui.row('betasearch[.]example').getByTestId('severity').getByText('critical').waitFor()
    await ui.detail.getByTestId('detail-severity').getByText('critical').waitFor()
    expect(await h.core.call('indicators.lookup', { value: 'betasearch.example' })).toMatchObject({
      severity: 'critical',
    })
    // An edit made elsewhere (CLI, a feed) reaches the table through the change event.
    const other = await h.core.call('indicators.lookup', { value: 'alphasearch.example' })
    if (!other) throw new Error('alphasearch.example should exist')
    await h.core.call('indicators.update', { id: other.id, patch: { severity: 'high' } })
    await ui.row('alphasearch[.]example').getByTestId('severity').getByText('high').waitFor()
  })

  it('explains the score in the detail: terms, what decided the risk level, decay, verdicts', async () => {
    await ui.open('betasearch[.]example')
    const terms = await ui.scoreTerms()
    expect(terms.map((t) => t.term)).toEqual(
      expect.arrayContaining([
        'source_reliability',
        'url_analysis',
        'young_domain',
        'provider_verdicts',
        'analyst_severity',
      ]),
    )
    expect(terms.find((t) => t.term === 'url_analysis')).toEqual({
      term: 'url_analysis',
      points: 0,
      detail: 'not analysed',
    })
    // The analyst set the severity to critical above: it is a term, and it decides the risk level.
    expect(terms.find((t) => t.term === 'analyst_severity')?.points).toBe(15)
    expect(await ui.scoreRisk()).toMatchObject({
      decidedBy: 'severity',
      reason: expect.stringMatching(/^critical: /),
    })
    await ui.scoreBreakdown.getByTestId('score-decay-from').waitFor()
    await h.screenshot('score-breakdown')

    await ui.setVerdict('true positive')
    const stored = await h.core.call('indicators.lookup', { value: 'betasearch.example' })
    if (!stored) throw new Error('betasearch.example should exist')
    const b = await h.core.call('indicators.getScore', { id: stored.id })
    expect(b.verdict).toBe('true_positive')
    expect((await ui.scoreTerms()).find((t) => t.term === 'analyst_verdict')?.points).toBe(25)
    await ui.setVerdict('none')
    expect((await h.core.call('indicators.getScore', { id: stored.id })).verdict).toBeNull()
  })

  it('shows a per-field message for an out-of-range score and does not save it', async () => {
    await ui.open('betasearch[.]example')
    await ui.detail.getByTestId('edit-indicator').click()
    await ui.detail.getByTestId('edit-score').fill('250')
    const error = ui.detail.getByTestId('edit-score-error')
    await error.waitFor()
    expect(await error.textContent()).toMatch(/Score must be from 0 to 100/)
    expect(await ui.detail.getByTestId('save-indicator').isDisabled()).toBe(true)
    await h.screenshot('edit-invalid')
    await ui.detail.getByRole('button', { name: 'Cancel' }).click()
    await ui.detail.getByTestId('edit-form').waitFor({ state: 'detached' })
  })

  it('marks a false positive and clears the mark', async () => {
    await ui.open('alphasearch[.]example')
    await ui.toggleFalsePositive()
    await ui.detail.getByTestId('detail-status').getByText('FP').waitFor()
    await ui.row('alphasearch[.]example').getByTestId('status').getByText('FP').waitFor()
    expect(await h.core.call('indicators.lookup', { value: 'alphasearch.example' })).toMatchObject({
      falsePositive: true,
      active: false,
    })
    await ui.toggleFalsePositive()
    await ui.row('alphasearch[.]example').getByTestId('status').getByText('active').waitFor()
    expect(await h.core.call('indicators.lookup', { value: 'alphasearch.example' })).toMatchObject({
      falsePositive: false,
      active: true,
    })
  })

  it('copies the live canonical value while showing it defanged', async () => {
    await ui.open('hxxp://evil-create[.]example/payload')
    await ui.detail.getByTestId('copy-value').click()
    await ui.detail.locator('[data-testid="copy-value"][data-copied="true"]').waitFor()
    expect(await h.page.evaluate('navigator.clipboard.readText()')).toBe(
      'http://evil-create.example/payload',
    )
  })

  it('drives the table from the keyboard', async () => {
    // A fresh page: no selection yet, focus on the document.
    await h.page.reload()
    await ui.waitReady()
    await h.page.keyboard.press('/')
    expect(await h.page.evaluate('document.activeElement && document.activeElement.id')).toBe(
      'global-search',
    )
    await h.page.keyboard.press('j') // typed into the search box, not a shortcut
    expect(await h.page.getByTestId('search').inputValue()).toBe('j')
    await h.page.getByTestId('search').fill('')
    await h.page.keyboard.press('Escape') // leaves the box
    await h.page.keyboard.press('j')
    await h.page
      .locator('[data-testid="indicator-row"][data-index="0"][aria-selected="true"]')
      .waitFor()
    await h.page.keyboard.press('j')
    const second = h.page.locator(
      '[data-testid="indicator-row"][data-index="1"][aria-selected="true"]',
    )
    await second.waitFor()
    await h.page.keyboard.press('k')
    await h.page
      .locator('[data-testid="indicator-row"][data-index="0"][aria-selected="true"]')
      .waitFor()
    await h.page.keyboard.press('Enter')
    const id = await h.page
      .locator('[data-testid="indicator-row"][data-index="0"]')
      .getAttribute('data-id')
    await h.page.locator(`[data-testid="detail-body"][data-id="${id}"]`).waitFor()
    await h.page.keyboard.press('Escape')
    await ui.detail.waitFor({ state: 'detached' })
    await h.page.keyboard.press('n')
    await h.page.getByTestId('create-dialog').waitFor()
    await h.page.keyboard.press('Escape')
    await h.page.getByTestId('create-dialog').waitFor({ state: 'detached' })
  })

  it('paste-imports a mixed list: live preview with rejected lines, then a report', async () => {
    const text = [
      '# pasted from a vendor report',
      'hxxps://paste-one[.]example/a',
      '203.0.113.77  # C2',
      'd41d8cd98f00b204e9800998ecf8427e',
      'not_an_indicator!!',
      'CVE-2024-12345',
      '1.2.3.999',
      'paste-two[.]example',
    ].join('\n')
    await ui.openPaste()
    await ui.paste(text)
    await h.page.locator('[data-testid="accepted-count"]', { hasText: /^5$/ }).waitFor()
    await h.page.locator('[data-testid="reject-count"]', { hasText: /^2$/ }).waitFor()
    const rejectLines = await h.page
      .getByTestId('reject-item')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-line')))
    expect(rejectLines).toEqual(['5', '7'])
    expect(await h.page.getByTestId('reject-item').first().textContent()).toContain(
      'not_an_indicator!!',
    )
    const accepted = await h.page.getByTestId('accepted-item').allTextContents()
    expect(accepted).toContain('URLhxxps://paste-one[.]example/a')
    expect(accepted).toContain('Domainpaste-two[.]example')
    await h.screenshot('paste-preview')

    const report = await ui.importPasted()
    expect(await report.getByTestId('report-created').textContent()).toBe('5')
    expect(await report.getByTestId('report-updated').textContent()).toBe('0')
    expect(await report.getByTestId('report-unchanged').textContent()).toBe('0')
    expect(await report.getByTestId('report-rejected').textContent()).toBe('0')
    await h.screenshot('paste-report')
    await h.page.getByTestId('import-done').click()
    await ui.waitForTotal('8 indicators')
    await ui.row('203.0.113[.]77').waitFor()

    // The same paste again changes nothing: bulk import is idempotent on type + value.
    await ui.openPaste()
    await ui.paste(text)
    await h.page.locator('[data-testid="accepted-count"]', { hasText: /^5$/ }).waitFor()
    const again = await ui.importPasted()
    expect(await again.getByTestId('report-created').textContent()).toBe('0')
    expect(await again.getByTestId('report-unchanged').textContent()).toBe('5')
    await h.page.getByTestId('import-done').click()
    await ui.waitForTotal('8 indicators')
  })

  it('switches to the dark theme, keeps it after a reload, and deletes with confirmation', async () => {
    await ui.setTheme('dark')
    await ui.open('hxxp://evil-create[.]example/payload')
    await h.screenshot('detail-dark')
    await ui.openPaste()
    await ui.paste('hxxp://dark-one[.]example\nnot-valid!!\n198.51.100.9')
    await h.page.locator('[data-testid="reject-count"]', { hasText: /^1$/ }).waitFor()
    await h.screenshot('paste-dark')
    await h.page.keyboard.press('Escape')

    await h.page.reload()
    await ui.waitReady()
    await h.page.locator('[data-testid="theme-toggle"][data-theme-setting="dark"]').waitFor()
    expect(await h.page.getAttribute('html', 'data-theme')).toBe('dark')
    expect((await h.core.call('settings.get', {})).theme).toBe('dark')
    await h.screenshot('table-dark')

    await ui.open('paste-two[.]example')
    await ui.deleteOpen()
    await ui.row('paste-two[.]example').waitFor({ state: 'detached' })
    await ui.waitForTotal('7 indicators')
    expect(await h.core.call('indicators.lookup', { value: 'paste-two.example' })).toBeNull()
    await ui.setTheme('light')
    await h.screenshot('table-light')
  })
  it('keeps source cards inside the detail panel, whatever the feed sent', async () => {
    // One unbroken 1,500-character URL, and a threat type, tag and link with no place to break.
    const path = 'a'.repeat(1500)
    const long = 'x'.repeat(300)
    const csv = [
      '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter',
      `"1","2024-05-01 10:02:07","http://overflow.example/${path}","online","","${long}","${long},elf","https://urlhaus.abuse.ch/url/${long}/","${long}"`,
      '',
    ].join('\n')
    await h.core.call('feeds.importText', {
      content: csv,
      fileName: `${long.slice(0, 120)}.csv`,
      format: 'urlhaus-csv',
    })
    await ui.search('overflow.example')
    // The search's own row, not whatever the table showed before the search answered.
    await ui.row(`hxxp://overflow[.]example/${path}`).click()
    const card = ui.detail.getByTestId('observation').first()
    await card.waitFor()
    const sizes = await ui.detail.evaluate((panel) => {
      const box = panel.getBoundingClientRect()
      return [
        ...panel.querySelectorAll('[data-testid="observation"], [data-testid="observation"] *'),
      ]
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0)
        .map(({ el, r }) => ({
          name: `${el.tagName}.${el.className}`,
          overflowRight: Math.round(r.right - box.right),
        }))
        .filter((x) => x.overflowRight > 1)
    })
    expect(sizes).toEqual([])
    expect(await ui.detail.evaluate((panel) => panel.scrollWidth <= panel.clientWidth)).toBe(true)
    await card.scrollIntoViewIfNeeded()
    await h.screenshot('detail-long-source')
    await ui.search('')
  })

  it('paste-imports free text: found items with their lines, one unticked, one retyped', async () => {
    const text = [
      'Incident summary, shared by a partner CERT',
      'The actor staged payloads at hxxps://stage-freetext[.]example/drop and beaconed to 198.51.100[.]23.',
      'Later traffic went to cdn-freetext[.]example, which we now think is benign.',
      'The dropper (invoice_2024.exe, MD5 44d88612fea8a8f36de82e453abbb8f0) serves tactic TA0001.',
      'Its backup server was typo-freetxt[.]example according to the vendor.',
    ].join('\n')
    const values = async () =>
      new Set((await h.core.call('indicators.list', { limit: 1000 })).items.map((x) => x.value))
    const before = await values()
    await ui.openPaste()
    await ui.paste(text)
    const items = await ui.extracted()
    await h.page.locator('[data-testid="paste-preview"][data-mode="text"]').waitFor()
    const found = await items.evaluateAll((els) =>
      els.map((e) => [
        e.getAttribute('data-line'),
        e.getAttribute('data-kind'),
        e.getAttribute('data-value'),
      ]),
    )
    expect(found).toEqual([
      ['2', 'url', 'https://stage-freetext.example/drop'],
      ['2', 'domain', 'stage-freetext.example'],
      ['2', 'ip', '198.51.100.23'],
      ['3', 'domain', 'cdn-freetext.example'],
      ['4', 'file-name', 'invoice_2024.exe'],
      ['4', 'md5', '44d88612fea8a8f36de82e453abbb8f0'],
      ['4', 'attack-tactic', 'TA0001'],
      ['5', 'domain', 'typo-freetxt.example'],
    ])
    expect(await ui.extractItem('198.51.100.23').textContent()).toContain('line 2')
    // A tactic is no indicator type: listed, not importable, and says why. File names are a type.
    const tactic = ui.extractItem('TA0001')
    expect(await tactic.getByTestId('extract-tick').isDisabled()).toBe(true)
    expect(await tactic.getByTestId('extract-unsupported').textContent()).toMatch(
      /no indicator type/,
    )
    expect(await ui.extractItem('invoice_2024.exe').getByTestId('extract-tick').isChecked()).toBe(
      true,
    )
    await h.page.locator('[data-testid="extract-count"]', { hasText: /^7$/ }).waitFor()

    await ui.extractItem('cdn-freetext.example').getByTestId('extract-tick').uncheck()
    await h.page.locator('[data-testid="extract-count"]', { hasText: /^6$/ }).waitFor()

    const typo = ui.extractItem('typo-freetxt.example')
    await typo.getByTestId('extract-value').fill('not an indicator!!')
    expect(await typo.getByTestId('extract-error').textContent()).toMatch(/could not tell the type/)
    expect(await h.page.getByTestId('import-submit').isDisabled()).toBe(true)
    await typo.getByTestId('extract-value').fill('retyped-freetext[.]example')
    await typo.getByTestId('extract-error').waitFor({ state: 'detached' })
    expect(await typo.getByTestId('extract-canonical').textContent()).toBe(
      'stored as retyped-freetext.example',
    )
    await h.screenshot('paste-free-text')

    const report = await ui.importPasted()
    expect(await report.getByTestId('report-created').textContent()).toBe('6')
    expect(await report.getByTestId('report-rejected').textContent()).toBe('0')
    await h.page.getByTestId('import-done').click()
    // Exactly the ticked items were stored: the retyped value, not the one found; nothing unticked or untyped.
    const added = [...(await values())].filter((v) => !before.has(v)).sort()
    expect(added).toEqual(
      [
        'https://stage-freetext.example/drop',
        'stage-freetext.example',
        '198.51.100.23',
        'invoice_2024.exe',
        '44d88612fea8a8f36de82e453abbb8f0',
        'retyped-freetext.example',
      ].sort(),
    )
    expect(await h.core.call('indicators.lookup', { value: 'typo-freetxt.example' })).toBeNull()
  })
}
