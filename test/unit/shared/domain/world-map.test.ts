import { describe, expect, it } from 'vitest'
import { binLabel, binOf, countBins, worldPoints, worldShapes } from '#shared/domain/world-map'

describe('world map classes', () => {
  it('gives one class per count up to five, the darkest for the top', () => {
    expect(countBins(0)).toEqual([])
    expect(countBins(1)).toEqual([{ min: 1, max: 1, color: '#800026' }])
    expect(countBins(3).map(binLabel)).toEqual(['1', '2', '3'])
    expect(countBins(3).map((b) => b.color)).toEqual(['#fed976', '#fd8d3c', '#800026'])
  })

  it('spaces five classes geometrically past five, covering 1 to max without gaps', () => {
    const bins = countBins(100)
    expect(bins.map(binLabel)).toEqual(['1–3', '4–6', '7–16', '17–40', '41–100'])
    for (let i = 1; i < bins.length; i++) expect(bins[i].min).toBe(bins[i - 1].max + 1)
    expect(binOf(bins, 0)).toBeNull()
    expect(binOf(bins, 5)?.min).toBe(4)
    expect(binOf(bins, 100)?.max).toBe(100)
    expect(binLabel(countBins(12_000)[4])).toMatch(/–12,000$/)
  })
})

describe('world shapes', () => {
  it('keys the drawn countries by alpha-2, Kosovo as XK, Antarctica left out', () => {
    const shapes = worldShapes()
    const codes = shapes.map((s) => s.country)
    expect(codes).toContain('NL')
    expect(codes).toContain('XK')
    expect(codes).not.toContain('AQ')
    expect(shapes.find((s) => s.country === 'DE')?.name).toBe('Germany')
    // Each code once: a country is one shape (with all its islands).
    const known = codes.filter((c) => c !== null)
    expect(new Set(known).size).toBe(known.length)
  })

  it('has a point for the countries too small for the shapes, and only for those', () => {
    const shaped = new Set(worldShapes().map((s) => s.country))
    const pts = worldPoints()
    expect(pts.map((p) => p.country)).toEqual(expect.arrayContaining(['SG', 'HK', 'MT', 'BH']))
    expect(pts.filter((p) => shaped.has(p.country))).toEqual([])
    const sg = pts.find((p) => p.country === 'SG')
    expect(sg?.name).toBe('Singapore')
    expect(sg?.coordinates[0]).toBeCloseTo(103.8, 0)
    expect(sg?.coordinates[1]).toBeCloseTo(1.35, 0)
  })
})
