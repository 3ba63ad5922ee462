import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Core } from '#core/create-core'
import type { TriageItem } from '#shared/contract/triage.contract'
import { seedTriage } from '../../support/triage-seed'
import { launchBrowser } from './browser'
import type { Harness, StartHarness } from './harness'
import { TriagePage } from './triage.page'

const keyOf = (i: TriageItem | undefined) => (i === undefined ? '' : `${i.kind}:${i.id}`)

/** The queue as the core has it now (the order the view must show). */
const queue = async (core: Core): Promise<TriageItem[]> =>
  (await core.call('triage.list', { filter: {}, limit: 1000 })).items

/**
 * The triage flow by keyboard, on alerts raised by a real rule and incidents tracked through the core:
 * j/k, a, e, r, f, t, Enter and Escape, a bulk selection, a saved view across a reload, the change log.
 */
export const describeTriageFlow = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let ui: TriagePage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, { seed: (core) => seedTriage(core, { alerts: 8, incidents: 4 }) })
    ui = new TriagePage(h.page)
    await h.open()
    await ui.open()
  })

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  /** Moves the focus to the item at `index` of the queue: Home, then j. */
  const focusIndex = async (items: TriageItem[], index: number) => {
    await ui.press('Home')
    await ui.waitFocus(keyOf(items[0]))
    for (let n = 0; n < index; n++) await ui.press('j')
    await ui.waitFocus(keyOf(items[index]))
  }

  it('shows the queue in the core order and moves with j and k', async () => {
    const items = await queue(h.core)
    await ui.waitFocus(keyOf(items[0]))
    expect((await ui.shownKeys()).slice(0, items.length)).toEqual(items.map(keyOf))
    await ui.press('j')
    await ui.waitFocus(keyOf(items[1]))
    await ui.press('j')
    await ui.waitFocus(keyOf(items[2]))
    await ui.press('k')
    await ui.waitFocus(keyOf(items[1]))
  })

  it('a acknowledges the focused alert, e escalates the focused incident, keeping the focus', async () => {
    const items = await queue(h.core)
    const alertAt = items.findIndex((i) => i.kind === 'alert' && i.status === 'open')
    await focusIndex(items, alertAt)
    await ui.press('a')
    await ui.waitStatus(items[alertAt]?.id ?? '', 'acknowledged')
    await ui.waitFocus(keyOf(items[alertAt]))
    expect((await h.core.call('alerts.get', { id: items[alertAt]?.id ?? '' })).status).toBe(
      'acknowledged',
    )
    const incidentAt = items.findIndex((i) => i.kind === 'incident' && i.status === 'open')
    await focusIndex(items, incidentAt)
    await ui.press('e')
    await ui.waitStatus(items[incidentAt]?.id ?? '', 'escalated')
    await ui.waitFocus(keyOf(items[incidentAt]))
  })

  it('Enter opens the detail with the score, Escape closes it', async () => {
    const items = await queue(h.core)
    const alertAt = items.findIndex((i) => i.kind === 'alert')
    const alert = items[alertAt]
    await focusIndex(items, alertAt)
    await ui.press('Enter')
    await ui.detail.waitFor()
    const indicator = await h.core.call('indicators.get', { id: alert.indicatorId ?? '' })
    await ui.detail.getByTestId('triage-score').waitFor()
    expect(await ui.detail.getByTestId('triage-score-value').textContent()).toBe(
      String(indicator.score),
    )
    expect(await ui.detail.getByTestId('triage-detail-sources').textContent()).toContain('rule:')
    await ui.press('Escape')
    await ui.detail.waitFor({ state: 'detached' })
  })

  it('the detail of an incident that URL analysis opened explains the verdict', async () => {
    const made = await h.core.call('incidents.create', {
      url: 'http://paypa1-login.example/verify',
      severity: 100,
      summary: 'Phishing: paypa1-login.example',
      sources: ['model'],
      details: {
        analysis: {
          verdict: 'phishing',
          severity: 100,
          linkScore: 0.82,
          model: { name: 'url-logreg', version: '1', probability: 0.97 },
          sources: [{ source: 'model' }, { source: 'link_score' }],
          topContributions: [
            { name: 'brandLookalike', value: 1, standardised: 2.4, contribution: 1.9 },
            { name: 'hostLength', value: 21, standardised: -0.3, contribution: -0.2 },
          ],
        },
      },
    })
    await ui.row(made.incident.id).waitFor()
    await ui.waitReady()
    const items = await queue(h.core)
    await focusIndex(
      items,
      items.findIndex((i) => i.id === made.incident.id),
    )
    await ui.press('Enter')
    const analysis = ui.detail.getByTestId('triage-url-analysis')
    await analysis.waitFor()
    const text = (await analysis.textContent()) ?? ''
    expect(text).toContain('phishing')
    expect(text).toContain('url-logreg 1, phishing probability 0.970')
    expect(text).toContain('model, link_score')
    expect(await analysis.getByTestId('verdict-contribution').allTextContents()).toEqual([
      expect.stringContaining('brand lookalike'),
      expect.stringContaining('host length'),
    ])
    await ui.press('Escape')
    await ui.detail.waitFor({ state: 'detached' })
  })

  it('r resolves the focused item and the focus takes the next one; f and t give verdicts', async () => {
    let items = await queue(h.core)
    const first = items[0]
    await focusIndex(items, 0)
    await ui.press('r')
    await ui.waitGone(first.id)
    await ui.waitFocus(keyOf(items[1]))

    items = await queue(h.core)
    const fpAt = items.findIndex((i) => i.kind === 'alert')
    const fp = items[fpAt]
    await focusIndex(items, fpAt)
    await ui.press('f')
    await ui.waitGone(fp.id)
    expect((await h.core.call('indicators.get', { id: fp.indicatorId ?? '' })).falsePositive).toBe(
      true,
    )

    items = await queue(h.core)
    const tpAt = items.findIndex((i) => i.kind === 'alert' && i.status === 'open')
    const tp = items[tpAt]
    await focusIndex(items, tpAt)
    await ui.press('t')
    await ui.waitStatus(tp.id, 'acknowledged')
  })

  it('x and shift+j select several; r resolves them all at once', async () => {
    const items = await queue(h.core)
    await focusIndex(items, 0)
    await ui.press('x')
    await ui.waitSelected(1)
    await ui.press('Shift+J')
    await ui.waitSelected(2)
    await ui.press('Shift+J')
    await ui.waitSelected(3)
    const chosen = items.slice(0, 3)
    await ui.press('r')
    for (const c of chosen) await ui.waitGone(c.id)
    const left = new Set((await queue(h.core)).map(keyOf))
    for (const c of chosen) expect(left.has(keyOf(c))).toBe(false)
  })

  it('follows changes made elsewhere without losing the focus', async () => {
    const items = await queue(h.core)
    await focusIndex(items, 1)
    const focused = keyOf(items[1])
    const made = await h.core.call('incidents.create', {
      url: 'http://urgent.example/now',
      severity: 100,
      summary: 'Urgent',
    })
    await ui.row(made.incident.id).waitFor()
    await ui.waitReady()
    expect(await ui.focused()).toBe(focused)
  })

  it('saves the filters as a view that comes back after a reload', async () => {
    await ui.filterKind('incident')
    await ui.waitForQuery({ kind: 'incident' })
    await ui.saveView('Incidents only')
    await ui.filterKind('')
    await ui.waitForQuery({})
    await h.page.reload()
    await h.page.locator('[data-testid="indicators-view"][data-state="ready"]').waitFor()
    await ui.open()
    await ui.pickView('Incidents only')
    await ui.waitForQuery({ kind: 'incident' })
    const kinds = await ui.rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-kind')))
    expect(kinds.length).toBeGreaterThan(0)
    expect(new Set(kinds)).toEqual(new Set(['incident']))
  })

  it('every action is in the change log, made by triage.act', async () => {
    const log = await h.core.call('audit.list', { method: 'triage.act', limit: 100 })
    const ops = new Set(log.items.map((e) => `${e.entity} ${e.operation}`))
    for (const o of [
      'alert acknowledge',
      'incident update',
      'alert resolve',
      'indicator mark_false_positive',
    ]) {
      expect(ops.has(o), o).toBe(true)
    }
    const views = await h.core.call('audit.list', { entity: 'triage_view', limit: 10 })
    expect(views.items.map((e) => e.operation)).toEqual(['create'])
  })
}

export const TRIAGE_AT_SCALE = 100_000
/** 1280×800 shows ~20 rows; with overscan a few dozen row elements, whatever the queue's length. */
const MAX_ROW_ELEMENTS = 60

/** 100,000 open alerts: the view opens, moves and acts at that size with a bounded DOM. */
export const describeTriageAtScale = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let ui: TriagePage

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, {
      seed: (core) => seedTriage(core, { alerts: TRIAGE_AT_SCALE, incidents: 10 }),
    })
    ui = new TriagePage(h.page)
    await h.open()
  }, 300_000)

  afterAll(async () => {
    await h?.close()
    await browser?.close()
  })

  afterEach(() => {
    expect(h.problems.splice(0)).toEqual([])
  })

  it('opens on the whole queue, moves and acknowledges at 100,000 open items', async () => {
    await ui.open()
    const items = (await h.core.call('triage.list', { filter: {}, limit: 30 })).items
    await ui.waitFocus(keyOf(items[0]))
    expect(await ui.total()).toContain((TRIAGE_AT_SCALE + 10).toLocaleString())
    for (let n = 1; n <= 25; n++) await ui.press('j')
    await ui.waitFocus(keyOf(items[25]))
    expect(await ui.rows.count()).toBeLessThanOrEqual(MAX_ROW_ELEMENTS)
    const target = items[25]
    await ui.press(target.kind === 'alert' && target.status === 'open' ? 'a' : 'e')
    await ui.waitStatus(target.id, target.kind === 'alert' ? 'acknowledged' : 'escalated')
    await ui.waitFocus(keyOf(target))
  })
}
