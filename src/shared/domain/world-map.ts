import { geoNaturalEarth1, type GeoProjection } from 'd3-geo'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import atlas from 'world-atlas/countries-110m.json'
import { alpha2OfNumeric, countryName } from './countries'
import smallCountries from './world-points.json'

/*
 * The world map's shapes and colours, shared by the renderer's SVG map and the PDF's vector map so both
 * draw the same countries in the same colours. The shapes are world-atlas's Natural Earth 1:110m countries
 * (bundled: no network), keyed by ISO 3166-1 numeric ids that map to the alpha-2 codes GeoIP gives.
 */

export type WorldShape = {
  /** ISO 3166-1 alpha-2, or null for a territory without one (Northern Cyprus, Somaliland). */
  country: string | null
  name: string
  feature: Feature<Geometry>
}

/** Natural Earth gives Kosovo no ISO number; GeoIP data uses the user-assigned XK for it. */
const BY_NAME: Readonly<Record<string, string>> = { Kosovo: 'XK' }

/** Antarctica hosts nothing and would take a fifth of the height. */
const LEFT_OUT = new Set(['AQ'])

let shapes: readonly WorldShape[] | null = null

/** The countries to draw, built once from the TopoJSON on first use. */
export const worldShapes = (): readonly WorldShape[] => {
  if (shapes !== null) return shapes
  // The JSON's inferred type widens `type: "Topology"` to string; the file is world-atlas's TopoJSON.
  const topology = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>
  const collection = feature(topology, topology.objects.countries) as FeatureCollection<
    Geometry,
    { name: string }
  >
  shapes = collection.features
    .map((f): WorldShape => {
      const name = f.properties.name
      const code = f.id === undefined ? (BY_NAME[name] ?? null) : alpha2OfNumeric(f.id)
      return { country: code, name: code === null ? name : countryName(code), feature: f }
    })
    .filter((s) => s.country === null || !LEFT_OUT.has(s.country))
  return shapes
}

export type WorldPoint = {
  country: string
  name: string
  /** Longitude, latitude. */
  coordinates: [number, number]
}

let points: readonly WorldPoint[] | null = null

/**
 * Countries too small for the 1:110m shapes (Singapore, Hong Kong, Malta, Bahrain ...), as points: the map
 * draws a dot for those holding indicators (scripts/build-world-points.ts made the list).
 */
export const worldPoints = (): readonly WorldPoint[] => {
  if (points !== null) return points
  points = Object.entries(smallCountries.points).map(([country, [lon, lat]]) => ({
    country,
    name: countryName(country),
    coordinates: [lon, lat],
  }))
  return points
}

/** Natural Earth projection fitted to the drawn countries in a width x height box. */
export const worldProjection = (width: number, height: number): GeoProjection =>
  geoNaturalEarth1().fitSize([width, height], {
    type: 'FeatureCollection',
    features: worldShapes().map((s) => s.feature),
  })

/** Yellow to dark red (ColorBrewer YlOrRd): readable on a light and a dark surface alike. */
export const WORLD_PALETTE = ['#fed976', '#feb24c', '#fd8d3c', '#e31a1c', '#800026'] as const

/** A class of counts and its colour. */
export type CountBin = { min: number; max: number; color: string }

/**
 * Up to five classes from 1 to `max`: one per count when there are five or fewer, otherwise on a geometric
 * scale (hosting counts are skewed: one country often holds most), so small countries still differ.
 */
export const countBins = (max: number): CountBin[] => {
  const top = Math.max(Math.floor(max), 0)
  if (top === 0) return []
  const classes = Math.min(top, WORLD_PALETTE.length)
  const edges: number[] = [0]
  for (let i = 1; i <= classes; i++) {
    const e = i === classes ? top : Math.round(Math.pow(top, i / classes))
    if (e > edges[edges.length - 1]) edges.push(e)
  }
  const n = edges.length - 1
  return Array.from({ length: n }, (_, i) => ({
    min: edges[i] + 1,
    max: edges[i + 1],
    // Fewer classes than colours: spread them over the palette so the darkest is always the top.
    color: WORLD_PALETTE[n === 1 ? WORLD_PALETTE.length - 1 : Math.round((i * 4) / (n - 1))],
  }))
}

/** The class of a count, or null for zero (drawn as "no indicators"). */
export const binOf = (bins: readonly CountBin[], count: number): CountBin | null =>
  count <= 0 ? null : (bins.find((b) => count <= b.max) ?? bins[bins.length - 1] ?? null)

/** "3" or "4–10": a class as the legend writes it. */
export const binLabel = (b: CountBin): string =>
  b.min === b.max
    ? b.min.toLocaleString('en-US')
    : `${b.min.toLocaleString('en-US')}–${b.max.toLocaleString('en-US')}`
