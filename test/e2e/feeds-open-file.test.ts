import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Bridge } from '#shared/bridge'
import { MAX_IMPORT_TEXT_CHARS } from '#shared/contract/feeds.contract'
import { launchBrowser } from './support/browser'
import { FeedsPage } from './support/feeds.page'
import { SHOTS_DIR, startHttpHarness, startIpcHarness, type Harness } from './support/harness'

// The desktop opens files in the main process's dialog: the page gets a handle, the name and the size, and
// the import streams the file from disk whatever its size. The dialog is answered by the test (willPick); the
// IPC dispatch, the picked-file registry and the core are the real ones.

const FIXTURES = resolve(__dirname, '../fixtures/feeds')

let browser: Browser
let scratch: string

beforeAll(async () => {
  browser = await launchBrowser()
  scratch = mkdtempSync(join(tmpdir(), 'te-open-file-'))
})
afterAll(async () => {
  await browser?.close()
  rmSync(scratch, { recursive: true, force: true })
})

describe('Open file… in the desktop renderer over the IPC bridge', () => {
  let h: Harness
  let feeds: FeedsPage

  beforeAll(async () => {
    h = await startIpcHarness(browser)
    feeds = new FeedsPage(h.page)
    await h.open()
    await feeds.open()
  })
  afterAll(async () => {
    await h?.close()
  })
  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  const openFile = async (path: string | null) => {
    h.willPick(path)
    await h.page.getByTestId('import-open-file').click()
  }

  it('offers Open file… instead of the browser file input', async () => {
    await h.page.getByTestId('import-open-file').waitFor()
    expect(await h.page.getByTestId('import-file').count()).toBe(0)
    expect(await h.page.getByTestId('drop-zone').textContent()).toContain(
      'Open file… reads files of any size',
    )
  })

  it('imports a picked file by its handle and shows its report, never its folder', async () => {
    const path = join(FIXTURES, 'urlhaus-recent.csv')
    await openFile(path)
    const dialog = h.page.getByTestId('import-dialog')
    await dialog.waitFor()
    await feeds.waitImportStep('done')
    expect(await feeds.reportNumbers(dialog)).toEqual({
      rows: 11,
      created: 6,
      updated: 0,
      unchanged: 0,
      duplicates: 1,
      rejected: 4,
    })
    expect(await dialog.getByTestId('import-file-summary').textContent()).toContain(
      'urlhaus-recent.csv',
    )
    expect(await h.page.content()).not.toContain(FIXTURES)
    await feeds.dismissToasts()
    await h.page.screenshot({ path: join(SHOTS_DIR, 'feeds-ipc-open-file-done.png') })
    await dialog.getByTestId('import-close').click()
    await dialog.waitFor({ state: 'detached' })
  })

  it('asks for the format of an ambiguous picked CSV, maps its columns, then imports', async () => {
    const path = join(scratch, 'siem-export.csv')
    writeFileSync(
      path,
      ['host;seen;notes', 'picked-1.example;2024-03-01;from a dialog', '198.51.100.88;2024-03-02;x']
        .join('\n')
        .concat('\n'),
    )
    await openFile(path)
    const dialog = h.page.getByTestId('import-dialog')
    await feeds.waitImportStep('pick')
    await dialog.getByTestId('import-format-generic-csv').check()
    await dialog.getByTestId('import-format-submit').click()
    const step = await feeds.waitImportStep('map')
    expect(await feeds.previewHeader(step)).toEqual(['host', 'seen', 'notes'])
    await feeds.mapColumn(step, 'value', 0)
    await feeds.mapColumn(step, 'firstSeen', 1)
    await feeds.mapColumn(step, 'description', 2)
    await dialog.getByTestId('import-mapping-submit').click()
    await feeds.waitImportStep('done')
    expect(await feeds.reportNumbers(dialog)).toMatchObject({ rows: 2, created: 2, rejected: 0 })
    expect(await h.core.call('indicators.lookup', { value: 'picked-1.example' })).toMatchObject({
      description: 'from a dialog',
      firstSeen: '2024-03-01T00:00:00.000Z',
    })
    await dialog.getByTestId('import-close').click()
    await dialog.waitFor({ state: 'detached' })
  })

  it('imports a file above the drop limit, which a drop would send to the command line', async () => {
    const path = join(scratch, 'big dump.txt')
    const padding = `# ${'padding '.repeat(12)}\n`
    const lines = Math.ceil((MAX_IMPORT_TEXT_CHARS + 1) / padding.length)
    writeFileSync(path, `big-1.example\n192.0.2.201\n${padding.repeat(lines)}`)
    await openFile(path)
    const dialog = h.page.getByTestId('import-dialog')
    await feeds.waitImportStep('done')
    expect(await feeds.reportNumbers(dialog)).toMatchObject({ created: 2, rejected: 0 })
    const run = (await h.core.call('feeds.runs', { limit: 5 })).items.find(
      (r) => r.source === 'big dump.txt',
    )
    expect(run).toMatchObject({ status: 'succeeded', format: 'text' })
    expect(run?.bytes).toBeGreaterThan(MAX_IMPORT_TEXT_CHARS)
    await dialog.getByTestId('import-close').click()
    await dialog.waitFor({ state: 'detached' })
  })

  it('a cancelled dialog opens nothing, and the next pick opens that file', async () => {
    await openFile(null)
    await openFile(join(FIXTURES, 'text-list.txt'))
    const dialog = h.page.getByTestId('import-dialog')
    await feeds.waitImportStep('done')
    expect(await h.page.getByTestId('import-dialog').count()).toBe(1)
    expect(await dialog.getByTestId('import-file-summary').textContent()).toContain('text-list.txt')
    await dialog.getByTestId('import-close').click()
    await dialog.waitFor({ state: 'detached' })
  })

  it('adds a feed that reads a file chosen in the form, and runs it', async () => {
    const path = join(FIXTURES, 'text-list.txt')
    const form = await feeds.openAddForm()
    await feeds.fillForm({ name: 'Picked feed', format: 'text' })
    await form.getByTestId('feed-source-path').check()
    h.willPick(path)
    await form.getByTestId('feed-choose-file').click()
    await expect.poll(() => form.getByTestId('feed-url').inputValue()).toBe('text-list.txt')
    await h.page.screenshot({ path: join(SHOTS_DIR, 'feeds-ipc-feed-from-file.png') })
    await feeds.submitForm()
    await feeds.runNow('Picked feed')
    await feeds.waitForLastStatus('Picked feed', 'succeeded')
    const feed = (await h.core.call('feeds.list', {})).items.find((f) => f.name === 'Picked feed')
    expect(feed).toMatchObject({ path, url: null })
  })

  it('a path sent by a script in the page is refused, and nothing of the file comes back', async () => {
    const secret = join(scratch, 'secret.txt')
    writeFileSync(secret, 'never-shown-to-the-page.example\n')
    const answer = await h.page.evaluate((p) => {
      const { bridge } = window as unknown as { bridge: Bridge }
      return bridge.invoke('feeds.importFile', { path: p, format: 'text' })
    }, secret)
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(JSON.stringify(answer)).not.toContain('never-shown')
    expect(
      await h.core.call('indicators.lookup', { value: 'never-shown-to-the-page.example' }),
    ).toBeNull()
  })
})

describe('the browser build keeps its file input', () => {
  it('offers Import file… (read in the page) and no dialog', async () => {
    const h = await startHttpHarness(browser)
    try {
      await h.open()
      await new FeedsPage(h.page).open()
      await h.page.getByTestId('import-file').waitFor()
      expect(await h.page.getByTestId('import-open-file').count()).toBe(0)
      expect(await h.page.getByTestId('drop-zone').textContent()).toContain('threateye import')
      expect(h.problems).toEqual([])
    } finally {
      await h.close()
    }
  })
})
