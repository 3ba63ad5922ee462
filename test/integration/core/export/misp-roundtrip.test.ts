import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Indicator } from '#shared/contract/indicators.contract'
import { openTestCore, type TestCore } from '../feeds/engine/engine-support'
import { OTHER_INDICATORS, PATTERN_INDICATORS, fullSet, makeSet } from './export-set-fixture'
import { exportMisp } from './stream-support'

/**
 * Export → the project's own MISP event import (feeds.importText) → the same indicators. What MISP's core
 * format has no field for does not come back: an attribute has no confidence (MISP expresses it with
 * taxonomies our importer does not read) and an ATT&CK technique or a free-text value is not an indicator
 * type there. The importer gives every attribute the event's galaxy tags, so those are expected beside
 * the indicator's own.
 */

const comparable = (i: Indicator, galaxyTags: readonly string[] = []) => ({
  type: i.type,
  value: i.value,
  tlp: i.tlp,
  tags: [...new Set([...i.tags, ...galaxyTags])].sort(),
})

/** An indicator's own techniques come back as the tags of its attribute's clusters. */
const techniqueTags = (i: Indicator) =>
  i.mitreTechniques.map((t) => `misp-galaxy:mitre-attack-pattern="${t}"`)

describe('MISP export → MISP import', () => {
  let t: TestCore
  beforeEach(async () => {
    t = await openTestCore()
  })
  afterEach(async () => {
    await t.close()
  })

  const importEvent = async (text: string) => {
    const run = await t.core.call('feeds.importText', {
      content: text,
      fileName: 'threateye-event.json',
      format: 'misp-event',
    })
    expect(run.status).toBe('succeeded')
    expect(run.rejected).toBe(0)
    return run
  }

  const lookup = async (i: Indicator) => {
    const found = await t.core.call('indicators.lookup', { type: i.type, value: i.value })
    expect(found, `${i.type} ${i.value}`).not.toBeNull()
    return found as Indicator
  }

  it('gives back every indicator MISP can carry, with its type, value, TLP and tags', async () => {
    const { text, doc } = await exportMisp(fullSet())
    await importEvent(text)
    const galaxyTags = doc.Event.Galaxy.flatMap((g) =>
      g.GalaxyCluster.map((c) => String(c.tag_name)),
    )
    expect(galaxyTags.length).toBeGreaterThan(4)
    const carried = [...PATTERN_INDICATORS, ...OTHER_INDICATORS.filter((i) => i.type === 'cve')]
    for (const i of carried) {
      expect(comparable(await lookup(i))).toEqual(
        comparable(i, [...galaxyTags, ...techniqueTags(i)]),
      )
    }
    const all = await t.core.call('indicators.list', { limit: 100 })
    expect(all.items).toHaveLength(carried.length)
  })

  it('keeps each TLP, from the attribute tag or the event tag', async () => {
    // No entities: no event galaxies, so the tags come back exactly (with an indicator's techniques).
    const { text, doc } = await exportMisp(makeSet({ indicators: PATTERN_INDICATORS }))
    expect(doc.Event.Tag).toEqual([expect.objectContaining({ name: 'tlp:red' })])
    await importEvent(text)
    for (const i of PATTERN_INDICATORS) {
      expect(comparable(await lookup(i))).toEqual(comparable(i, techniqueTags(i)))
    }
  })

  it('keeps the galaxy clusters and the event as objects the import stores', async () => {
    const { text, doc } = await exportMisp(fullSet())
    await importEvent(text)
    const stored = new Set(
      (t.core.db.sqlite.prepare('SELECT id FROM intel_objects').all() as { id: string }[]).map(
        (r) => r.id,
      ),
    )
    expect(stored.has(`misp-event--${doc.Event.uuid}`)).toBe(true)
    for (const g of doc.Event.Galaxy) {
      for (const c of g.GalaxyCluster) {
        expect(stored.has(`misp-galaxy-cluster--${String(c.uuid)}`), String(c.value)).toBe(true)
      }
    }
  })
})
