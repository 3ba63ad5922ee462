import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './support/browser'
import {
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'
import { IndicatorsPage } from './support/indicators.page'
import { WarninglistsPage } from './support/warninglists.page'

const LIST = {
  name: 'E2E corp hosts',
  description: 'hosts of our own',
  version: 1,
  type: 'hostname',
  list: ['e2e-corp.net', 'e2e-corp.org'],
}

const describeWarninglists = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'te-e2e-lists-'))
    mkdirSync(join(dir, 'corp'))
    writeFileSync(join(dir, 'corp', 'list.json'), JSON.stringify(LIST))
    writeFileSync(join(dir, 'broken.json'), '{"name": "Broken", "type": "cidr"}')
    browser = await launchBrowser()
    h = await start(browser, {
      seed: async (core) => {
        await core.call('feeds.importText', {
          content: 'cdn.e2e-corp.net\n10.20.30.40\n45.67.89.10\n',
          fileName: 'seed.txt',
          format: 'text',
        })
      },
    })
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('lists the built-ins with their entries, switches one, imports lists (bad files named) and rescans', async () => {
    const ui = new WarninglistsPage(h.page)
    await ui.open()
    expect(await ui.names()).toContain('List of RFC 1918 private IPv4 networks')
    expect(await ui.entries('List of RFC 1918 private IPv4 networks')).toBe('3')

    await ui.toggle('List of RFC 1918 private IPv4 networks')
    expect(await ui.isEnabled('List of RFC 1918 private IPv4 networks')).toBe(false)
    const off = (await h.core.call('warninglists.list', {})).items.find(
      (l) => l.id === 'builtin:rfc1918-private-ipv4',
    )
    expect(off?.enabled).toBe(false)
    await ui.toggle('List of RFC 1918 private IPv4 networks')

    let report
    if (h.kind === 'ipc') {
      h.willPickFolder(dir)
      report = await ui.importFolder()
    } else {
      report = await ui.importFiles([join(dir, 'corp', 'list.json'), join(dir, 'broken.json')])
    }
    expect(await report.textContent()).toMatch(/1 list imported/)
    expect(await report.getByTestId('warninglists-import-error').first().textContent()).toMatch(
      /broken\.json.*description/,
    )
    expect(await ui.entries('E2E corp hosts')).toBe('2')

    // The corp host is new; the private address lost its hit when its list was off and gets it back.
    expect(await ui.rescan()).toMatch(/3 indicators scanned, 2 hit a list, 2 changed/)
    await h.screenshot('settings-warninglists')
  })

  it('shows the hits on an indicator, and the allowlist a false positive adds to', async () => {
    const indicators = new IndicatorsPage(h.page)
    await h.page.getByTestId('nav-indicators').click()
    await indicators.open('cdn[.]e2e-corp[.]net')
    await indicators.detail.getByTestId('warninglist-hits').waitFor()
    expect(await indicators.warninglistHits()).toEqual(['E2E corp hosts: e2e-corp.net'])

    await indicators.toggleFalsePositive()
    await indicators.allowlistedBadge.waitFor()
    await h.screenshot('indicator-warninglist-hits')

    const ui = new WarninglistsPage(h.page)
    await ui.open()
    expect(await ui.allowlisted()).toEqual(['cdn.e2e-corp.net'])
    await ui.removeAllowlisted('cdn.e2e-corp.net')
    expect((await h.core.call('allowlist.list', {})).total).toBe(0)
  })
}

describe('warninglists in the browser over HTTP', () => {
  describeWarninglists(startHttpHarness)
})

describe('warninglists in the desktop renderer over the IPC bridge', () => {
  describeWarninglists(startIpcHarness)
})
