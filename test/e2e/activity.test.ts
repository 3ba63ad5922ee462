import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ActivityPage } from './support/activity.page'
import { launchBrowser } from './support/browser'
import {
  SHOTS_DIR,
  startHttpHarness,
  startIpcHarness,
  type Harness,
  type StartHarness,
} from './support/harness'

const describeActivity = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let activity: ActivityPage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, {
      seed: async (core) => {
        const ind = await core.call('indicators.create', {
          value: 'cmd.example',
          tags: ['=HYPERLINK(1)'],
        })
        await core.call('indicators.markFalsePositive', { id: ind.id, reason: 'sinkhole' })
        await core.call('projects.create', { name: 'Case 7' })
        await core.call('settings.update', { patch: { theme: 'light' } })
      },
    })
    activity = new ActivityPage(h.page)
    await h.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('lists every change newest first with what changed, and filters by entity and action', async () => {
    await activity.open()
    const all = await activity.shown()
    // Marking a false positive also puts the value on the allowlist (its own entry).
    expect(all.map((r) => r.op)).toEqual([
      'settings update',
      'project create',
      'allowlist create',
      'indicator mark_false_positive',
      'indicator create',
    ])
    expect(all[0].changes).toContain('theme: "system" → "light"')
    expect(all[3].changes).toContain('reason: "sinkhole"')
    await h.page.screenshot({ path: join(SHOTS_DIR, `activity-${h.kind}.png`) })

    await activity.filter({ entity: 'indicator' })
    expect((await activity.shown()).map((r) => r.op)).toEqual([
      'indicator mark_false_positive',
      'indicator create',
    ])
    await activity.filter({ entity: 'indicator', action: 'create' })
    expect((await activity.shown()).map((r) => r.op)).toEqual(['indicator create'])
    await activity.filter({ entity: '', action: '' })
  })

  it('verifies the chain, exports what it shows, and reports a tampered entry', async () => {
    await h.page.getByTestId('nav-indicators').click()
    await h.page.getByTestId('nav-activity').click()
    await activity.waitForQuery({})
    expect(await activity.verify()).toBe('Change log intact: 5 entries verified.')
    const csv = await activity.export('csv')
    const lines = csv.trim().split('\r\n')
    expect(lines).toHaveLength(6)
    // A tag starting with = sits inside the quoted JSON cell: no cell starts a formula.
    expect(csv).not.toMatch(/(^|,)=/m)
    const json = JSON.parse(await activity.export('json')) as { seq: number }[]
    expect(json.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    // Both ran as jobs the view followed, not as one long request.
    const jobs = (await h.core.call('jobs.list', {})).items
    expect(jobs.map((j) => [j.kind, j.status])).toEqual([
      ['audit.export', 'succeeded'],
      ['audit.export', 'succeeded'],
      ['audit.verify', 'succeeded'],
    ])

    h.core.db.sqlite.prepare(`UPDATE change_log SET actor = 'mallory' WHERE seq = 2`).run()
    expect(await activity.verify()).toBe('Change log broken at entry 2 (hash does not match).')
  })
}

describe('activity in a browser over HTTP', () => {
  describeActivity(startHttpHarness)
})

describe('activity in the desktop renderer over the IPC bridge', () => {
  describeActivity(startIpcHarness)
})
