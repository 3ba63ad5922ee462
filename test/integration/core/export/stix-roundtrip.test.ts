import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Indicator } from '#shared/contract/indicators.contract'
import { INDICATOR_TYPES_OF } from '#core/export/stix/stix-indicator'
import { openTestCore, type TestCore } from '../feeds/engine/engine-support'
import { OTHER_INDICATORS, PATTERN_INDICATORS, fullSet, makeSet } from './export-set-fixture'
import { exportStix } from './stream-support'

/**
 * Export → the project's own STIX import (feeds.importText, the path a dropped file takes) → the same
 * indicators. The importer folds a STIX indicator's indicator_types into its tags (stix-objects.ts), so
 * the tags come back with the classification's STIX word beside the original ones.
 */

const comparable = (i: Indicator) => ({
  type: i.type,
  value: i.value,
  tlp: i.tlp,
  confidence: i.confidence,
  classification: i.classification,
  tags: [...i.tags].sort(),
})

const expected = (i: Indicator) => {
  const word = INDICATOR_TYPES_OF[i.classification]
  return { ...comparable(i), tags: [...i.tags, ...(word === null ? [] : [word])].sort() }
}

describe('STIX export → STIX import', () => {
  let t: TestCore
  beforeEach(async () => {
    t = await openTestCore()
  })
  afterEach(async () => {
    await t.close()
  })

  const importBundle = async (text: string) => {
    const run = await t.core.call('feeds.importText', {
      content: text,
      fileName: 'threateye-export.json',
      format: 'stix-bundle',
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

  it.each([false, true])(
    'gives back every patterned indicator with its type, value, TLP, confidence and tags (observables: %s)',
    async (observables) => {
      const { text } = await exportStix(fullSet(), { observables })
      await importBundle(text)
      for (const i of PATTERN_INDICATORS) expect(comparable(await lookup(i))).toEqual(expected(i))
      const count = await t.core.call('indicators.list', { limit: 100 })
      // The patterned ones and the two CVEs (STIX carries a CVE as a vulnerability, which the importer
      // reads as a cve indicator); the technique and the custom value are STIX objects, not indicators.
      expect(count.items).toHaveLength(PATTERN_INDICATORS.length + 2)
    },
  )

  it('gives back a CVE with its TLP through the vulnerability SDO', async () => {
    const { text } = await exportStix(makeSet({ indicators: OTHER_INDICATORS }))
    await importBundle(text)
    for (const i of OTHER_INDICATORS.filter((x) => x.type === 'cve')) {
      const back = await lookup(i)
      expect({ type: back.type, value: back.value, tlp: back.tlp }).toEqual({
        type: i.type,
        value: i.value,
        tlp: i.tlp,
      })
    }
  })

  it('keeps the markings through TLP 1.0, with AMBER+STRICT read back as RED', async () => {
    const { text } = await exportStix(makeSet({ indicators: PATTERN_INDICATORS }), {
      tlpVersion: '1.0',
    })
    await importBundle(text)
    for (const i of PATTERN_INDICATORS) {
      const back = await lookup(i)
      expect(back.tlp, i.value).toBe(i.tlp === 'amber+strict' ? 'red' : i.tlp)
    }
  })

  it('keeps the entities, relationships and report as STIX objects the import stores', async () => {
    const { text, bundle } = await exportStix(fullSet())
    await importBundle(text)
    const stored = new Set(
      (t.core.db.sqlite.prepare('SELECT id FROM intel_objects').all() as { id: string }[]).map(
        (r) => r.id,
      ),
    )
    const kept = bundle.objects.filter((o) =>
      ['threat-actor', 'intrusion-set', 'campaign', 'malware', 'report', 'relationship'].includes(
        o.type,
      ),
    )
    expect(kept.length).toBeGreaterThan(10)
    for (const o of kept) expect(stored.has(o.id), o.id).toBe(true)
  })
})
