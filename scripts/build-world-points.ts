// `TSX_TSCONFIG_PATH=tsconfig.node.json node --import tsx scripts/build-world-points.ts`: writes
// src/shared/domain/world-points.json, a point for each country the world map's 1:110m shapes leave out
// (Singapore, Hong Kong, Malta, Bahrain, the Seychelles ... hosting countries among them) at the centroid of
// its shape in world-atlas's 1:50m countries. The map draws these as dots, so an indicator hosted there is
// on the map, not only in its table. Run again when world-atlas changes.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { geoCentroid } from 'd3-geo'
import type { FeatureCollection, Geometry } from 'geojson'
import { feature } from 'topojson-client'
import type { GeometryCollection, Topology } from 'topojson-specification'
import small from 'world-atlas/countries-110m.json'
import large from 'world-atlas/countries-50m.json'
import { alpha2OfNumeric } from '#shared/domain/countries'

type Countries = Topology<{ countries: GeometryCollection<{ name: string }> }>

const featuresOf = (t: Countries) =>
  (feature(t, t.objects.countries) as FeatureCollection<Geometry, { name: string }>).features

const OUTPUT = join('src', 'shared', 'domain', 'world-points.json')

const drawn = new Set(
  featuresOf(small as unknown as Countries).map((f) => (f.id === undefined ? '' : String(f.id))),
)
const points: Record<string, [number, number]> = {}
for (const f of featuresOf(large as unknown as Countries)) {
  if (f.id === undefined || drawn.has(String(f.id))) continue
  const code = alpha2OfNumeric(f.id)
  if (code === null) continue
  const [lon, lat] = geoCentroid(f)
  points[code] = [Math.round(lon * 100) / 100, Math.round(lat * 100) / 100]
}
const SOURCE =
  "Centroids of world-atlas's countries-50m.json (Natural Earth, public domain) for the countries countries-110m.json leaves out"
// One point per line, as Prettier writes it: regenerating gives a clean diff.
const lines = Object.entries(points)
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([code, [lon, lat]]) => `    ${JSON.stringify(code)}: [${lon}, ${lat}]`)
writeFileSync(
  OUTPUT,
  `{\n  "source": ${JSON.stringify(SOURCE)},\n  "points": {\n${lines.join(',\n')}\n  }\n}\n`,
)
console.log(`${lines.length} points written to ${OUTPUT}`)
