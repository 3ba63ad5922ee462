import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './support/browser'
import {
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'
import { SummaryReportsPage } from './support/summary-reports.page'

/**
 * How the app reaches the summary reports panel. The coordinator mounts SummaryReports in the Reports
 * view; this is the one line to keep in step with where it lives.
 */
const toSummaries = async (page: Page) => {
  await page.getByTestId('nav-reports').click()
  await page.getByTestId('reports-tab-summaries').click()
}

const describeSummaries = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let summaries: SummaryReportsPage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, {
      seed: async (core) => {
        // The test core's clock stands at 2025-11-21T10:00:00Z: these arrive that day.
        await core.call('indicators.create', { value: '45.155.205.7', score: 90 })
        await core.call('indicators.create', { value: 'c2.evil-example.net', score: 85 })
        await core.call('indicators.create', { value: '91.92.240.5', score: 20 })
        await core.call('indicators.create', {
          value: '<img src=x onerror=alert(1)>',
          type: 'custom',
        })
      },
    })
    summaries = new SummaryReportsPage(h.page, toSummaries)
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('generates a daily report and shows its range, size, file, figures and charts', async () => {
    await summaries.open()
    await h.page.getByTestId('summary-empty').waitFor()
    await summaries.generate({ type: 'daily', from: '2025-11-21' })
    const { cells } = await summaries.row('done')
    expect(cells.slice(0, 3)).toEqual(['daily', '2025-11-21', 'done'])
    expect(cells[3]).toMatch(/^\d+(\.\d)? (B|KB)$/)
    expect(cells[4]).toMatch(/summaries[/\\]daily-2025-11-21\.md/)
    const path = cells[4] ?? ''
    expect(readFileSync(path, 'utf8')).toContain('# Daily summary 2025-11-21')

    const detail = await summaries.detail()
    expect(await detail.getByTestId('summary-arrived').innerText()).toBe('4')
    expect(await detail.getByTestId('summary-high').innerText()).toBe('2')
    expect(await summaries.bars('summary-chart-type')).toEqual({ ip: 2, domain: 1, custom: 1 })
    expect(
      await h.page
        .getByTestId('summary-chart-days')
        .locator('g[data-day]')
        .getAttribute('data-value'),
    ).toBe('4')
    expect(await detail.getByTestId('summary-top').locator('tbody tr').count()).toBe(2)
    await h.screenshot('summary-reports')
  })

  it('refuses a custom range without its end, then saves a schedule', async () => {
    await summaries.generate({ type: 'custom', from: '2025-11-20' })
    expect(await h.page.getByTestId('summary-generate-error').innerText()).toMatch(/^to: /)
    await h.page.getByTestId('summary-weekly-enabled').check()
    await h.page.getByTestId('summary-weekly-day').selectOption('5')
    await h.page.getByTestId('summary-weekly-time').fill('08:15')
    await h.page.getByTestId('summary-schedule-save').click()
    await h.page.getByTestId('summary-schedule-save').and(h.page.locator(':disabled')).waitFor()
    expect(await h.core.call('summaries.getSchedule', {})).toMatchObject({
      weekly: { enabled: true, weekday: 5, time: '08:15' },
      // Friday 2025-11-21 08:15 had passed at 10:00: the next is a week on.
      nextWeekly: '2025-11-28T08:15:00.000Z',
    })
  })

  it('deletes a report and its file', async () => {
    const { row, cells } = await summaries.row('done')
    await row.getByTestId('summary-delete').click()
    await h.page.getByTestId('summary-empty').waitFor()
    expect((await h.core.call('summaries.list', {})).total).toBe(0)
    expect(() => readFileSync(cells[4] ?? '')).toThrow(/ENOENT/)
  })
}

describe('summary reports (headless: HTTP)', () => describeSummaries(startHttpHarness))
describe('summary reports (desktop renderer: IPC)', () => describeSummaries(startIpcHarness))
