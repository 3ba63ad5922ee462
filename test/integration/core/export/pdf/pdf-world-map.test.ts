import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Out } from '#shared/contract'
import { countryName } from '#shared/domain/countries'
import { WORLD_PALETTE } from '#shared/domain/world-map'
import { openTestCore, type TestCore } from '../../db/core-fixture'
import { seedGeo, type GeoSeed } from '../../../../support/world-map-fixture'
import { exportSet, indicator, pageImages, pageTexts, render } from './pdf-fixture'

type GeoCounts = Out<'enrichment.geoCounts'>

const SECTION = 'Where the indicators are hosted'

/** Twelve countries, the Netherlands first: the table lists ten of them. */
const TWELVE = ['NL', 'RU', 'DE', 'US', 'FR', 'GB', 'BG', 'UA', 'CN', 'BR', 'SG', 'MD']
const geoOf = (codes: readonly string[]): GeoCounts => ({
  countries: codes.map((c, i) => ({ country: c, name: countryName(c), count: 120 - i * 10 })),
  located: 900,
  unlocated: 37,
})

const rows = () => [
  indicator({ type: 'ip', value: '45.155.205.3' }),
  indicator({ type: 'domain', value: 'evil-c2.net' }),
]

/** Page texts without PDF.js's line breaks, one string per page. */
const flatPages = async (pdf: Buffer): Promise<string[]> =>
  (await pageTexts(pdf)).map((p) => p.replace(/\n/g, ''))

const hex = (c: string): [number, number, number] => [
  parseInt(c.slice(1, 3), 16),
  parseInt(c.slice(3, 5), 16),
  parseInt(c.slice(5, 7), 16),
]

describe('the PDF world map', () => {
  it('adds the section with the map, its legend, the top 10 and the unlocated count, in bounded time', async () => {
    const started = performance.now()
    const { pdf } = await render(exportSet(rows(), { geo: () => geoOf(TWELVE) }))
    const elapsed = performance.now() - started
    const pages = await flatPages(pdf)
    const page = pages.find((p) => p.includes(SECTION))
    expect(page).toBeDefined()
    expect(page).toContain('900 indicators located in 12 countries; not located: 37')
    expect(page).toContain('Top 10 of 12 countries')
    expect(page).toContain('Netherlands')
    expect(page).toContain('Russian Federation')
    expect(page).toContain('Brazil')
    // The eleventh and twelfth are on the map, not in the table.
    expect(page).not.toContain('Singapore')
    expect(page).toContain('none')
    // A handful of pages at most: the map is vectors, the export stays quick whatever the machine.
    expect(elapsed).toBeLessThan(20_000)
  })

  it('draws the countries as filled vector shapes in the scale colours', async () => {
    const { pdf } = await render(exportSet(rows(), { geo: () => geoOf(TWELVE) }))
    const texts = await flatPages(pdf)
    const index = texts.findIndex((p) => p.includes(SECTION))
    const image = (await pageImages(pdf, 1))[index]
    if (image === undefined) throw new Error('no page image of the map')
    const pixels = new Map<string, number>()
    for (let i = 0; i < image.data.length; i += 4) {
      const key = `${image.data[i]},${image.data[i + 1]},${image.data[i + 2]}`
      pixels.set(key, (pixels.get(key) ?? 0) + 1)
    }
    // Far more than the legend's swatch: the top class (the Netherlands down to the United States, Russia
    // among them) and the countries without indicators are painted over whole areas of the map.
    for (const c of [WORLD_PALETTE[4], '#e6e9ee']) {
      expect(pixels.get(hex(c).join(',')) ?? 0, c).toBeGreaterThan(2000)
    }
  })

  it('leaves the section out when no indicator has a country', async () => {
    const { pdf } = await render(
      exportSet(rows(), { geo: () => ({ countries: [], located: 0, unlocated: 2 }) }),
    )
    expect((await flatPages(pdf)).join('\n')).not.toContain(SECTION)
  })
})

describe('PDF exports of a query and of a report with enrichment keys', () => {
  let t: TestCore
  let seed: GeoSeed
  beforeAll(async () => {
    t = await openTestCore()
    seed = await seedGeo(t.core)
  })
  afterAll(async () => {
    await t.dispose()
  })

  const exportText = async (target: { kind: 'indicators' } | { kind: 'report'; id: string }) => {
    const job = await t.core.call('export.start', { format: 'pdf', target, defang: true })
    const done = await t.core.jobs.settled(job.id)
    if (done.kind !== 'export.start' || done.result === null) {
      throw new Error(`export failed: ${JSON.stringify(done.error)}`)
    }
    return (await flatPages(readFileSync(done.result.path))).join('\n')
  }

  it('a query: every located country', async () => {
    const text = await exportText({ kind: 'indicators' })
    expect(text).toContain(SECTION)
    expect(text).toContain('11 indicators located in 6 countries; not located: 3')
    expect(text).toContain('United States of America')
  })

  it("a report: its indicators' countries only", async () => {
    const text = await exportText({ kind: 'report', id: seed.report })
    expect(text).toContain(SECTION)
    expect(text).toContain('3 indicators located in 3 countries; not located: 1')
    expect(text).not.toContain('United States of America')
  })
})
