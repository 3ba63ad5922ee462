import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { Core } from '#core/create-core'
import { launchBrowser } from './browser'
import type { Harness, StartHarness } from './harness'
import { IndicatorsPage } from './indicators.page'
import { IntelPage } from './intel.page'

const DOMAIN = 'c2.intel-e2e.example'
const MALWARE = 'GraphLoader'

/** One indicator to link and one malware family to pivot to, made through the core's contract. */
const seed = async (core: Core): Promise<void> => {
  await core.call('indicators.create', { type: 'domain', value: DOMAIN, tlp: 'amber', score: 70 })
  await core.call('intel.create', { kind: 'malware', name: MALWARE, tlp: 'green' })
}

/**
 * The Intel view end to end: create an actor through the form (a bad field is named, then fixed), add an
 * ATT&CK technique (the matrix shows it), link an indicator and a malware family, open the graph from the
 * indicator, expand a node, filter by kind.
 */
export const describeIntelFlow = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let ui: IntelPage
  let actorId = ''

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, { seed })
    ui = new IntelPage(h.page)
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

  it('creates a threat actor, naming the field a bad value is in', async () => {
    await ui.tab('threat-actor')
    await ui.startCreate()
    await ui.field('name').fill('Test Bear')
    await ui.field('aliases').fill('TB-1, Testing Panda')
    await ui.field('actorType').selectOption('nation-state')
    await ui.field('originCountry').fill('Testland')
    await ui.field('tools').fill('Mimikatz, Cobalt Strike')
    await ui.page.getByTestId('intel-save').click()
    await expect
      .poll(() => ui.fieldError('originCountry').textContent())
      .toBe('Origin country: an ISO 3166-1 alpha-2 country code')
    await ui.field('originCountry').fill('xx')
    actorId = await ui.save('Test Bear')
    const stored = await h.core.call('intel.get', { id: actorId })
    expect(stored).toMatchObject({
      kind: 'threat-actor',
      name: 'Test Bear',
      aliases: ['TB-1', 'Testing Panda'],
      details: {
        actorType: 'nation-state',
        originCountry: 'XX',
        tools: ['Mimikatz', 'Cobalt Strike'],
      },
    })
    await ui.row('Test Bear').waitFor()
    expect(await ui.page.getByTestId('intel-detail-originCountry').textContent()).toBe('XX')
  })

  it('adds a technique with the picker and the matrix highlights it', async () => {
    await ui.openRow('Test Bear')
    await ui.addTechnique('T1566.001', 'T1566.001')
    expect((await h.core.call('intel.get', { id: actorId })).techniques).toEqual(['T1566.001'])
    // A sub-technique is counted on its parent's cell.
    await ui.page
      .locator('[data-testid="matrix-cell"][data-technique="T1566"][data-hit="true"]')
      .waitFor()
    expect(await ui.matrixCell('T1566').textContent()).toContain('1/')
    await ui.addTechnique('T1059', 'T1059')
    await ui.page
      .locator('[data-testid="matrix-cell"][data-technique="T1059"][data-hit="true"]')
      .waitFor()
    await h.screenshot('intel-actor')
  })

  it('links an indicator and a malware family through relationships', async () => {
    await ui.addRelationship({
      type: 'indicates',
      incoming: true,
      query: 'intel-e2e',
      pick: 'intel-e2e',
    })
    await ui.addRelationship({ type: 'uses', incoming: false, query: MALWARE, pick: MALWARE })
    const rels = await h.core.call('intel.listRelationships', { ref: actorId })
    expect(rels.items.map((r) => r.relationshipType).sort()).toEqual(['indicates', 'uses'])
    await ui.page.getByTestId('linked-indicator').filter({ hasText: 'intel-e2e' }).waitFor()
    // One said by mistake, and removed.
    await ui.addRelationship({ type: 'related-to', incoming: false, query: MALWARE, pick: MALWARE })
    await ui.page
      .locator('[data-testid="relationship"][data-type="related-to"]')
      .getByTestId('relationship-remove')
      .click()
    await ui.page.locator('[data-testid="intel-relationships"][data-count="2"]').waitFor()
    const after = await h.core.call('intel.listRelationships', { ref: actorId })
    expect(after.items.map((r) => r.relationshipType).sort()).toEqual(['indicates', 'uses'])
  })

  it('opens the graph from the indicator, expands a node and filters by kind', async () => {
    // From the actor's linked indicator to its detail in the Indicators view.
    await ui.page.getByTestId('linked-indicator').getByRole('button').click()
    const indicators = new IndicatorsPage(h.page)
    await indicators.detail.waitFor()
    // The indicator's detail names the actor it indicates, and opens it.
    await h.page
      .getByTestId('indicator-intel-link')
      .filter({ hasText: 'Threat actor' })
      .filter({ hasText: 'indicates' })
      .waitFor()
    await h.page.getByTestId('indicator-open-graph').click()
    // The indicator and the actor it indicates.
    await ui.waitGraph(2)
    expect(await ui.graphCounts()).toMatchObject({ nodes: 2, edges: 1, visible: 2 })
    await ui.selectNode('Test Bear')
    await ui.expandSelected()
    // The actor's malware joins; the nodes already there stay.
    await ui.waitGraph(3)
    expect(await ui.graphCounts()).toMatchObject({ nodes: 3, edges: 2, visible: 3 })
    await ui.toggleKind('malware')
    await ui.page.locator('[data-testid="intel-graph"][data-visible-nodes="2"]').waitFor()
    await ui.toggleKind('indicator')
    await ui.page.locator('[data-testid="intel-graph"][data-visible-nodes="1"]').waitFor()
    await h.page.getByTestId('graph-show-all').click()
    await ui.page.locator('[data-testid="intel-graph"][data-visible-nodes="3"]').waitFor()
    await h.screenshot('intel-graph')
    // Open the actor from the graph: its detail in the Intel view.
    await ui.selectNode('Test Bear')
    await h.page.getByTestId('graph-open').click()
    await ui.page.locator(`[data-testid="intel-detail"][data-id="${actorId}"]`).waitFor()
  })
}

const FAN_OUT = 2000

/**
 * A node with 2,000 neighbours: the first expansion is capped and says so, "Show more" walks the cap up
 * to the core's limit, and the canvas stays one element however many nodes it draws.
 */
export const describeIntelGraphAtScale = (start: StartHarness) => {
  let browser: Browser
  let h: Harness
  let ui: IntelPage
  let actorId = ''

  beforeAll(async () => {
    browser = await launchBrowser()
    h = await start(browser, {
      seed: async (core) => {
        const actor = await core.call('intel.create', { kind: 'threat-actor', name: 'Wide Bear' })
        actorId = actor.id
        const items = Array.from({ length: FAN_OUT }, (_, i) => ({
          type: 'domain' as const,
          value: `n${i}.wide-bear.example`,
        }))
        await core.call('indicators.bulkCreate', { items })
        // The only indicators of this core.
        const page = await core.call('indicators.list', { limit: 1000 })
        let ids = page.items.map((i) => i.id)
        let cursor = page.nextCursor
        while (cursor !== null) {
          const next = await core.call('indicators.list', { limit: 1000, cursor })
          ids = [...ids, ...next.items.map((i) => i.id)]
          cursor = next.nextCursor
        }
        for (const id of ids)
          await core.call('intel.createRelationship', {
            sourceRef: id,
            targetRef: actor.id,
            relationshipType: 'indicates',
          })
      },
    })
    ui = new IntelPage(h.page)
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

  it('caps the first expansion, shows more up to all of them, on one canvas', async () => {
    await ui.openRow('Wide Bear')
    await h.page.getByTestId('intel-open-graph').click()
    await ui.waitGraph(51)
    await h.page.getByTestId('graph-more').waitFor()
    for (const n of [201, 801, FAN_OUT + 1]) {
      await h.page.getByTestId('graph-show-more').click()
      await ui.waitGraph(n)
    }
    expect(await ui.graphCounts()).toMatchObject({
      nodes: FAN_OUT + 1,
      edges: FAN_OUT,
      visible: FAN_OUT + 1,
    })
    await h.page.getByTestId('graph-more').waitFor({ state: 'detached' })
    // Cytoscape's canvas renderer: a handful of layers, no element per node.
    const domNodes = await h.page
      .getByTestId('graph-canvas')
      .evaluate((el) => el.querySelectorAll('*').length)
    expect(domNodes).toBeLessThan(20)
    // Hiding 2,000 indicators and showing them again is one filter change each.
    await ui.toggleKind('indicator')
    await h.page.locator('[data-testid="intel-graph"][data-visible-nodes="1"]').waitFor()
    await ui.toggleKind('indicator')
    await h.page
      .locator(`[data-testid="intel-graph"][data-visible-nodes="${FAN_OUT + 1}"]`)
      .waitFor()
    await h.screenshot('intel-graph-2000')
    expect(actorId).not.toBe('')
  })
}
