import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MAX_IMPORT_TEXT_CHARS } from '#shared/contract/feeds.contract'
import { defang } from '#shared/domain'
import { serve, startFixtureServer, type FixtureServer } from '../support/fixture-server'
import { launchBrowser } from './support/browser'
import { FeedsPage } from './support/feeds.page'
import {
  SHOTS_DIR,
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'
import { IndicatorsPage } from './support/indicators.page'

const FIXTURES = resolve(__dirname, '../fixtures/feeds')
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8')

const URLHAUS = fixture('urlhaus-recent.csv')
const API_KEY = 's3cret-e2e-header-key'
const CATALOGUE_KEY = 'pt-e2e-key-never-shown-0123456789'

/**
 * What urlhaus-recent.csv holds (see test/fixtures/feeds/make-fixtures.ts): 11 records, 6 distinct valid
 * URLs, one repeated row, and 4 malformed rows (short row, empty url, a line break inside the url, junk
 * after a closing quote).
 */
const URLHAUS_RUN = {
  rows: 11,
  created: 6,
  updated: 0,
  unchanged: 0,
  duplicates: 1,
  rejected: 4,
}

/** Splits a body into `n` pieces so the fixture server drips it and the run lasts long enough to watch. */
const pieces = (text: string, n: number): string[] => {
  const size = Math.ceil(text.length / n)
  return Array.from({ length: n }, (_, i) => text.slice(i * size, (i + 1) * size)).filter(Boolean)
}

const describeFeedFlows = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let srv: FixtureServer
  let feeds: FeedsPage
  let indicators: IndicatorsPage

  const shot = async (name: string) => {
    await feeds.dismissToasts()
    await h.page.screenshot({ path: join(SHOTS_DIR, `feeds-${h.kind}-${name}.png`) })
  }

  beforeAll(async () => {
    srv = await startFixtureServer()
    browser = await launchBrowser()
    h = await start(browser)
    // The fixture is on 127.0.0.1: feeds the browser build sets up over HTTP may fetch from it only once the
    // user allowed it (the desktop bridge needs no permission; the setting is harmless there).
    await h.core.call('settings.update', { patch: { fetchAllowedHosts: ['127.0.0.1'] } })
    feeds = new FeedsPage(h.page)
    indicators = new IndicatorsPage(h.page)
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
    await srv?.close()
  })

  afterEach(() => {
    // No uncaught errors and no CSP violations in any flow.
    expect(h.problems.splice(0)).toEqual([])
  })

  it('adds a built-in feed with its API key and never shows the key again', async () => {
    await feeds.open()
    await h.page.getByTestId('feeds-empty').waitFor()
    await feeds.tab('catalogue')
    expect(await h.page.getByTestId('catalogue-entry').count()).toBeGreaterThanOrEqual(10)
    await shot('catalogue')

    await feeds.addFromCatalogue('phishtank-online-valid', CATALOGUE_KEY)
    await feeds.tab('feeds')
    const row = feeds.row('PhishTank: verified online phishing')
    await row.waitFor()
    expect(await row.getByTestId('feed-auth').textContent()).toBe('auth configured (key in URL)')
    expect(await h.page.content()).not.toContain(CATALOGUE_KEY)
    const stored = (await h.core.call('feeds.list', {})).items
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ hasAuth: true, authKind: 'url', enabled: true })
    expect(JSON.stringify(stored)).not.toContain(CATALOGUE_KEY)

    // The enabled switch is a real setting, not only a picture: the core reports the feed updated.
    const feedId = stored[0]?.id
    const updated = new Promise<void>((resolve) => {
      const off = h.core.events.on('feeds.onDidChange', (p) => {
        if (p.kind !== 'updated' || p.id !== feedId) return
        off()
        resolve()
      })
    })
    await row.locator('.switch').click()
    await row.locator('[data-testid="feed-enabled"]:not(:checked)').waitFor({ state: 'attached' })
    await updated
    expect((await h.core.call('feeds.list', {})).items[0]?.enabled).toBe(false)

    await row.getByTestId('feed-delete').click()
    await h.page.getByTestId('confirm-button').click()
    await row.waitFor({ state: 'detached' })
    expect((await h.core.call('feeds.list', {})).items).toEqual([])
  })

  it('opens a template entry (a TAXII server) as a prefilled form', async () => {
    await feeds.tab('catalogue')
    await feeds.catalogueEntry('taxii-example').getByTestId('catalogue-add').click()
    await feeds.form.waitFor()
    expect(await feeds.form.getByTestId('feed-format').inputValue()).toBe('taxii')
    expect(await feeds.form.getByTestId('feed-name').inputValue()).toBe('TAXII 2.1 collection')
    await h.page.keyboard.press('Escape')
    await feeds.form.waitFor({ state: 'detached' })
    await feeds.tab('feeds')
  })

  it("shows the API's per-field errors, then adds a custom feed with a header key", async () => {
    await feeds.openAddForm()
    await feeds.fillForm({ name: ' ', url: 'ftp://feeds.example/list.txt', schedule: 'every day' })
    await feeds.submitExpectingErrors()
    // The browser logs the refused request (HTTP 400 invalid_input); over IPC nothing is logged.
    expect(h.problems.splice(0)).toEqual(
      h.kind === 'http'
        ? [
            'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
          ]
        : [],
    )
    expect(await feeds.fieldError('feed-schedule').textContent()).toContain(
      "Invalid cron expression 'every day'",
    )
    await feeds.fieldError('feed-name').waitFor()
    await feeds.fieldError('feed-source').waitFor()
    await shot('form-errors')

    srv.route(
      '/urlhaus.csv',
      serve.requireHeader(
        'X-Api-Key',
        API_KEY,
        serve.drip(pieces(URLHAUS, 16), 80, { contentType: 'text/csv; charset=utf-8' }),
      ),
    )
    await feeds.fillForm({
      name: 'URLhaus fixture',
      format: 'urlhaus-csv',
      url: srv.url('/urlhaus.csv'),
      schedule: '0 3 * * *',
      reliability: 'B',
      tags: 'e2e, urlhaus',
      auth: { kind: 'header', name: 'X-Api-Key', value: API_KEY },
    })
    // Editing a field clears its error.
    await feeds.fieldError('feed-schedule').waitFor({ state: 'detached' })
    await shot('form-valid')
    await feeds.submitForm()

    const row = feeds.row('URLhaus fixture')
    await row.waitFor()
    expect(await row.getByTestId('feed-source').textContent()).toBe(srv.url('/urlhaus.csv'))
    expect(await row.getByTestId('feed-schedule').textContent()).toBe('0 3 * * *')
    expect(await row.getByTestId('feed-auth').textContent()).toBe(
      'auth configured (API-key header)',
    )
    expect(await h.page.content()).not.toContain(API_KEY)
  })

  it('runs the feed with live progress and shows the exact counts', async () => {
    await feeds.runNow('URLhaus fixture')
    const progress = await feeds.waitForRunning('URLhaus fixture')
    expect(await progress.getByRole('progressbar').getAttribute('aria-valuetext')).toBeTruthy()
    await shot('run-progress')
    await feeds.waitForLastStatus('URLhaus fixture', 'succeeded')
    const row = feeds.row('URLhaus fixture')
    const { rows: _rows, ...counts } = URLHAUS_RUN
    expect(await feeds.counts(row)).toEqual(counts)
    expect(srv.requestsTo('/urlhaus.csv')[0]?.headers['x-api-key']).toBe(API_KEY)
    await shot('run-finished')
  })

  it('edits a feed without ever showing its stored key', async () => {
    await feeds.row('URLhaus fixture').getByTestId('feed-edit').click()
    await feeds.form.waitFor()
    const auth = feeds.form.getByTestId('feed-auth')
    expect(await auth.inputValue()).toBe('keep')
    expect(await auth.locator('option:checked').textContent()).toBe(
      'Keep the configured credentials (API key in a header)',
    )
    expect(await feeds.form.getByTestId('feed-auth-key').count()).toBe(0)
    await feeds.fillForm({ schedule: '61 * * * *' })
    await feeds.submitExpectingErrors()
    expect(await feeds.fieldError('feed-schedule').textContent()).toContain(
      "Invalid cron expression '61 * * * *'",
    )
    expect(h.problems.splice(0)).toEqual(
      h.kind === 'http'
        ? [
            'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
          ]
        : [],
    )
    await feeds.fillForm({ schedule: '15 */2 * * *' })
    await feeds.submitForm()
    await feeds
      .row('URLhaus fixture')
      .getByTestId('feed-schedule')
      .getByText('15 */2 * * *')
      .waitFor()
    const feed = (await h.core.call('feeds.list', {})).items.find(
      (f) => f.name === 'URLhaus fixture',
    )
    expect(feed).toMatchObject({ schedule: '15 */2 * * *', hasAuth: true, authKind: 'header' })
  })

  it('shows live bytes, rows and rate while a big feed downloads', async () => {
    // 40,000 addresses dripped in 40 pieces: the parser's batches (2,000 records) complete while the body
    // is still arriving, so progress events carry real numbers before the run ends.
    const list = Array.from({ length: 40_000 }, (_, i) => `198.18.${i >> 8}.${i & 255}`).join('\n')
    srv.route('/big.txt', serve.drip(pieces(list, 40), 60, { contentType: 'text/plain' }))
    await h.core.call('feeds.create', {
      name: 'Big list',
      format: 'text',
      url: srv.url('/big.txt'),
    })
    const row = feeds.row('Big list')
    await row.waitFor()
    await feeds.runNow('Big list')
    const live = row.locator(
      '[data-testid="run-progress"]:not([data-rows="0"]):not([data-bytes="0"])',
    )
    await live.waitFor()
    expect(Number(await live.getAttribute('data-rows'))).toBeLessThan(40_000)
    expect(await live.getByTestId('progress-rate').textContent()).toMatch(/^[\d,]+ rows\/s$/)
    await shot('run-live')
    await feeds.waitForLastStatus('Big list', 'succeeded')
    expect(await feeds.counts(row)).toEqual({
      created: 40_000,
      updated: 0,
      unchanged: 0,
      duplicates: 0,
      rejected: 0,
    })
  })

  it('opens the run report with every rejected row as text', async () => {
    const dialog = await feeds.openLastRun('URLhaus fixture')
    expect(await feeds.reportNumbers(dialog)).toEqual(URLHAUS_RUN)
    const rejects = await feeds.rejects(dialog)
    expect(rejects.map((r) => r.line)).toEqual([16, 18, 19, 21])
    expect(rejects[0]?.text).toContain('expected 9 fields, got 4')
    expect(rejects[1]?.text).toContain('the url field is empty')
    expect(rejects[3]?.text).toContain('unexpected text after the closing quote of field 3')
    // Feed text is never markup: nothing in the report became an element.
    expect(await dialog.locator('script, img, iframe, a[href]').count()).toBe(0)
    await shot('run-report')
    await feeds.closeDialog('run-detail')
  })

  it('imports a dropped file after detecting its format, and shows its report', async () => {
    const dialog = await feeds.dropFile('urlhaus-recent.csv', URLHAUS, 'text/csv')
    await feeds.waitImportStep('done')
    await dialog.getByTestId('run-report').waitFor()
    // Same file, another source: every URL exists already, each gains a second source and sighting.
    expect(await feeds.reportNumbers(dialog)).toEqual({
      ...URLHAUS_RUN,
      created: 0,
      updated: 6,
    })
    await dialog.getByTestId('reject-list').waitFor()
    expect(await feeds.rejects(dialog)).toHaveLength(4)
    await shot('import-done')
    await dialog.getByTestId('import-close').click()
    await dialog.waitFor({ state: 'detached' })
  })

  it('says in the report which oversized STIX object it kept with its description cut', async () => {
    const at = '2024-04-01T00:00:00.000Z'
    const bundle = JSON.stringify({
      type: 'bundle',
      id: 'bundle--00000000-0000-4000-8000-00000000e2e0',
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--00000000-0000-4000-8000-00000000e2e1',
          created: at,
          modified: at,
          valid_from: at,
          pattern_type: 'stix',
          pattern: "[domain-name:value = 'oversized-report.example']",
          description: 'A pasted report. '.repeat(70_000),
        },
      ],
    })
    const dialog = await feeds.dropFile('oversized.json', bundle, 'application/json')
    await feeds.waitImportStep('done')
    await dialog.getByTestId('run-report').waitFor()
    expect(await dialog.getByTestId('note-item').allTextContents()).toEqual([
      expect.stringMatching(
        /^line 1object 1 \(indicator--0{8}-0000-4000-8000-00000000e2e1\) is 1\.\d MiB, over the limit: kept, with its long description cut to 32\.0 KiB$/,
      ),
    ])
    await dialog.getByTestId('import-close').click()
    await dialog.waitFor({ state: 'detached' })
  })

  it('asks which format an ambiguous file is in', async () => {
    const dialog = await feeds.dropFile('generic.csv', fixture('generic.csv'), 'text/csv')
    const body = await feeds.waitImportStep('pick')
    expect(
      await body
        .locator('input[name="import-format"]')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(['generic-csv', 'text'])
    await shot('import-ambiguous')
    await dialog.getByTestId('import-format-text').check()
    await dialog.getByTestId('import-format-submit').click()
    await feeds.waitImportStep('done')
    expect(await feeds.reportNumbers(dialog)).toEqual({
      rows: 5,
      created: 1,
      updated: 0,
      unchanged: 0,
      duplicates: 0,
      rejected: 4,
    })
    // Another test's feed run may finish after this import: find the import's own run.
    const runs = (await h.core.call('feeds.runs', { limit: 10 })).items
    expect(runs.find((r) => r.source === 'generic.csv')).toMatchObject({
      format: 'text',
      status: 'succeeded',
    })
    await dialog.getByTestId('import-close').click()
  })

  it('maps the columns of a CSV it does not recognise, then imports with that mapping', async () => {
    const csv = [
      'host;seen;notes;score',
      `mapped-${h.kind}.example;2024-02-01;from the e2e;80`,
      '198.51.100.77;2024-02-02;second;70',
      'short-row.example;2024-02-03',
    ].join('\n')
    const dialog = await feeds.dropFile('hosts-export.csv', csv, 'text/csv')
    await feeds.waitImportStep('pick')
    await dialog.getByTestId('import-format-generic-csv').check()
    await dialog.getByTestId('import-format-submit').click()
    const step = await feeds.waitImportStep('map')
    expect(await feeds.previewHeader(step)).toEqual(['host', 'seen', 'notes', 'score'])
    // Nothing can be imported until the indicator's column is chosen.
    expect(await dialog.getByTestId('import-mapping-submit').isDisabled()).toBe(true)
    await feeds.mapColumn(step, 'value', 0)
    await feeds.mapColumn(step, 'firstSeen', 1)
    await feeds.mapColumn(step, 'description', 2)
    await feeds.mapColumn(step, 'confidence', 3)
    await shot('import-csv-mapping')
    await dialog.getByTestId('import-mapping-submit').click()
    await feeds.waitImportStep('done')
    expect(await feeds.reportNumbers(dialog)).toEqual({
      rows: 3,
      created: 2,
      updated: 0,
      unchanged: 0,
      duplicates: 0,
      rejected: 1,
    })
    await dialog.getByTestId('reject-list').waitFor()
    expect(await feeds.rejects(dialog)).toEqual([
      { line: 4, text: expect.stringContaining('expected 4 fields, got 2') as string },
    ])
    expect(
      await h.core.call('indicators.lookup', { value: `mapped-${h.kind}.example` }),
    ).toMatchObject({
      description: 'from the e2e',
      confidence: 80,
      firstSeen: '2024-02-01T00:00:00.000Z',
    })
    await dialog.getByTestId('import-close').click()
    await dialog.waitFor({ state: 'detached' })
  })

  it('maps the columns of a pasted table', async () => {
    await indicators.openPaste()
    await indicators.paste(['addr,label', `pasted-${h.kind}.example,campaign-x`].join('\n'))
    const step = await indicators.mapPastedColumns()
    await feeds.mapColumn(step, 'value', 0)
    await feeds.mapColumn(step, 'tags', 1)
    const report = await indicators.importPastedWithMapping()
    expect(await report.getByTestId('report-created').textContent()).toBe('1')
    expect(
      await h.core.call('indicators.lookup', { value: `pasted-${h.kind}.example` }),
    ).toMatchObject({ tags: ['campaign-x'] })
    await h.page.getByTestId('import-done').click()
    await h.page.getByTestId('paste-dialog').waitFor({ state: 'detached' })
  })

  it('sends a file above the import limit to the command line', async () => {
    const dialog = await feeds.dropGeneratedFile('huge dump.csv', MAX_IMPORT_TEXT_CHARS + 1)
    const body = await feeds.waitImportStep('too-big')
    expect(await body.textContent()).toContain('threateye import "huge dump.csv"')
    await shot('import-too-big')
    await dialog.getByTestId('import-close').click()
  })

  it('shows which sources reported an indicator and what each said', async () => {
    // The search box searches indicators: typing in it on the Feeds view brings the indicators forward.
    await h.page.getByTestId('nav-feeds').click()
    await h.page.getByTestId('search').fill('115.55.117.42')
    await h.page
      .locator('[data-testid="indicators-view"][data-state="ready"][data-query="115.55.117.42"]')
      .waitFor()
    const display = defang('url', 'http://115.55.117.42:39958/i')
    await indicators.open(display)
    const panel = indicators.detail
    await panel.getByTestId('observations-count').getByText('seen by 2 sources').waitFor()
    const observations = panel.getByTestId('observation')
    expect(
      (
        await observations.evaluateAll((els) => els.map((e) => e.getAttribute('data-source')))
      ).sort(),
    ).toEqual(['URLhaus fixture', 'urlhaus-recent.csv'])
    const fromFeed = panel.locator('[data-testid="observation"][data-source="URLhaus fixture"]')
    expect(await fromFeed.getByTestId('observation-threat').textContent()).toBe('malware_download')
    expect(await fromFeed.getByTestId('observation-reference').inputValue()).toBe(
      'https://urlhaus.abuse.ch/url/2869870/',
    )
    expect(await fromFeed.getByTestId('observation-tags').textContent()).toContain('Mozi')
    // References are text to copy, never links into remote content.
    expect(await panel.locator('a[href]').count()).toBe(0)
    await fromFeed.getByTestId('copy-reference').click()
    await fromFeed.locator('[data-testid="copy-reference"][data-copied="true"]').waitFor()
    expect(await h.page.evaluate('navigator.clipboard.readText()')).toBe(
      'https://urlhaus.abuse.ch/url/2869870/',
    )
    await panel.getByTestId('observations').scrollIntoViewIfNeeded()
    await shot('indicator-sources')
    await indicators.search('')
  })

  it('cancels a running feed', async () => {
    srv.route('/stall.txt', serve.stall('198.51.100.1\n', { contentType: 'text/plain' }))
    await h.core.call('feeds.create', {
      name: 'Stalled list',
      format: 'text',
      url: srv.url('/stall.txt'),
    })
    await feeds.open()
    await feeds.runNow('Stalled list')
    await feeds.waitForRunning('Stalled list')
    await feeds.row('Stalled list').getByTestId('feed-cancel').click()
    await feeds.waitForLastStatus('Stalled list', 'cancelled')
  })

  it('shows why a run failed', async () => {
    srv.route(
      '/login',
      serve.bytes(
        '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login"><input type="password" name="p"></form></body></html>',
        { contentType: 'text/html' },
      ),
    )
    await h.core.call('feeds.create', {
      name: 'Captive portal',
      format: 'text',
      url: srv.url('/login'),
    })
    const row = feeds.row('Captive portal')
    await row.waitFor()
    await feeds.runNow('Captive portal')
    await feeds.waitForLastStatus('Captive portal', 'failed')
    expect(await row.getByTestId('last-run-error').textContent()).toMatch(/login|captive|html/i)
    await shot('run-failed')
  })

  it('pages through the run history with a cursor', async () => {
    for (let i = 0; i < 26; i++) {
      await h.core.call('feeds.importText', {
        content: `198.51.100.${i + 10}\n`,
        fileName: `seed-${i}.txt`,
        format: 'text',
      })
    }
    const total = (await h.core.call('feeds.runs', { limit: 1000 })).items.length
    await feeds.tab('history')
    const list = h.page.getByTestId('history-list')
    await h.page.locator('[data-testid="history-list"][data-count="25"]').waitFor()
    await h.page.getByTestId('history-more').click()
    await h.page.locator(`[data-testid="history-list"][data-count="${total}"]`).waitFor()
    await h.page.getByTestId('history-more').waitFor({ state: 'detached' })
    await h.page.locator('.feeds-body').evaluate((el) => el.scrollTo({ top: 0 }))
    await shot('history')
    await list.locator('[data-testid="history-row"][data-status="cancelled"]').click()
    await h.page.getByTestId('run-detail-body').waitFor()
    await feeds.closeDialog('run-detail')
  })

  it('starts a dropped import without waiting for it and follows the run to its report', async () => {
    await feeds.open()
    await feeds.tab('feeds')
    const list = Array.from({ length: 300 }, (_, i) => `follow-${i}.example.org`).join('\n')
    // Over HTTP the page's own request is visible: it must answer with the run just started, not finished.
    const answered =
      h.kind === 'http'
        ? h.page.waitForResponse((r) => r.url().endsWith('/api/rpc/feeds.importText'))
        : null
    const dialog = await feeds.dropFile('follow.txt', list, 'text/plain')
    if (answered) {
      const body = (await (await answered).json()) as { ok: boolean; value: { status: string } }
      expect(body.ok).toBe(true)
      expect(['queued', 'running']).toContain(body.value.status)
    }
    await feeds.waitImportStep('done')
    expect(await feeds.reportNumbers(dialog)).toMatchObject({
      rows: 300,
      created: 300,
      rejected: 0,
    })
    expect(
      await h.core.call('indicators.lookup', { value: 'follow-299.example.org' }),
    ).not.toBeNull()
    await dialog.getByTestId('import-close').click()
    await dialog.waitFor({ state: 'detached' })
  })

  it('reads in the dark theme too', async () => {
    await indicators.setTheme('dark')
    await feeds.tab('feeds')
    await feeds.row('URLhaus fixture').waitFor()
    await shot('list-dark')
    await feeds.openLastRun('URLhaus fixture')
    await shot('run-report-dark')
    await feeds.closeDialog('run-detail')
  })
}

describe('feeds in a browser over HTTP', () => {
  describeFeedFlows(startHttpHarness)
})

describe('feeds in the desktop renderer over the IPC bridge', () => {
  describeFeedFlows(startIpcHarness)
})
