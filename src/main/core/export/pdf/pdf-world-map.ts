import { geoPath, type GeoContext } from 'd3-geo'
import type { Out } from '#shared/contract'
import {
  binLabel,
  binOf,
  countBins,
  worldPoints,
  worldProjection,
  worldShapes,
} from '#shared/domain/world-map'
import { COLORS, type Flow } from './pdf-flow'
import { Table } from './pdf-table'
import { cleanText, drawLine, layout, type Doc } from './pdf-text'

type GeoCounts = Out<'enrichment.geoCounts'>

/** Countries the table lists: the map shows the rest. */
export const PDF_MAP_TOP = 10

/** Countries without indicators, and the borders between countries. */
const EMPTY_FILL = '#e6e9ee'
const BORDER = '#ffffff'
/** A country the shapes leave out (Singapore, Malta ...) is a dot of this radius. */
const DOT_RADIUS = 2.5
/** Width : height of the drawn world (Natural Earth, Antarctica left out). */
const ASPECT = 0.49

const n = (x: number): string => x.toLocaleString('en-US')

/**
 * d3-geo's path drawing into pdfkit: the same projected outlines the app's SVG map draws, as PDF vector
 * paths. Points (a country drawn as a point never happens with polygons) become tiny circles.
 */
const pdfContext = (doc: Doc, x0: number, y0: number): GeoContext => ({
  beginPath: () => undefined,
  moveTo: (x, y) => {
    doc.moveTo(x0 + x, y0 + y)
  },
  lineTo: (x, y) => {
    doc.lineTo(x0 + x, y0 + y)
  },
  closePath: () => {
    doc.closePath()
  },
  arc: (x, y, r) => {
    doc.circle(x0 + x, y0 + y, r)
  },
})

const text = (
  flow: Flow,
  s: string,
  x: number,
  y: number,
  size: number,
  color: string,
  w = 200,
): void => {
  const [line] = layout(flow.fonts, [{ text: s, color }], w, size)
  if (line !== undefined) drawLine(flow.doc, line, x, y, size, { width: w })
}

const drawMap = (flow: Flow, geo: GeoCounts, width: number, height: number): void => {
  const doc = flow.doc
  const counts = new Map(geo.countries.map((c) => [c.country, c.count]))
  const bins = countBins(Math.max(0, ...geo.countries.map((c) => c.count)))
  const projection = worldProjection(width, height)
  const path = geoPath(projection, pdfContext(doc, flow.left, flow.y))
  for (const s of worldShapes()) {
    const bin = binOf(bins, s.country === null ? 0 : (counts.get(s.country) ?? 0))
    doc.save()
    path(s.feature)
    doc.lineWidth(0.25).fillAndStroke(bin?.color ?? EMPTY_FILL, BORDER, 'even-odd')
    doc.restore()
  }
  // Countries too small for the shapes, as dots, when they hold indicators.
  for (const p of worldPoints()) {
    const bin = binOf(bins, counts.get(p.country) ?? 0)
    const at = projection(p.coordinates)
    if (bin === null || at === null) continue
    doc
      .save()
      .circle(flow.left + at[0], flow.y + at[1], DOT_RADIUS)
      .lineWidth(0.5)
      .fillAndStroke(bin.color, COLORS.text)
      .restore()
  }
  flow.y += height + 6
  // The legend: "none" and each class with its swatch, on one line.
  let x = flow.left
  const y = flow.y
  for (const [color, label] of [
    [EMPTY_FILL, 'none'],
    ...bins.map((b): [string, string] => [b.color, binLabel(b)]),
  ] as const) {
    doc
      .save()
      .rect(x, y + 2, 12, 8)
      .fill(color)
      .restore()
    doc
      .save()
      .rect(x, y + 2, 12, 8)
      .lineWidth(0.4)
      .stroke(COLORS.rule)
      .restore()
    text(flow, label, x + 16, y, 8, COLORS.muted, 60)
    x += 16 + Math.max(label.length * 4.6, 14) + 12
  }
  flow.y += 18
}

/**
 * "Where the indicators are hosted": the world map filled by indicators per country (the app's colours),
 * its legend, the ten countries with most indicators as a table, and how many could not be located. Left
 * out when no indicator of the set has a country.
 */
export const writeWorldMap = (flow: Flow, geo: GeoCounts): void => {
  if (geo.countries.length === 0) return
  flow.section('Where the indicators are hosted')
  flow.text(
    [
      {
        text: `${n(geo.located)} indicators located in ${n(geo.countries.length)} ${
          geo.countries.length === 1 ? 'country' : 'countries'
        }; not located: ${n(geo.unlocated)}. `,
      },
      {
        text: 'Addresses are placed by GeoIP; a domain without a country of its own counts in each country its resolved addresses are in.',
        color: COLORS.muted,
      },
    ],
    { size: 9.5, gap: 10 },
  )
  const width = flow.width
  const height = width * ASPECT
  flow.ensure(height + 30)
  drawMap(flow, geo, width, height)
  flow.checkAbort()
  const top = geo.countries.slice(0, PDF_MAP_TOP)
  flow.heading(
    geo.countries.length > PDF_MAP_TOP
      ? `Top ${PDF_MAP_TOP} of ${n(geo.countries.length)} countries`
      : 'Countries',
    3,
  )
  const table = new Table(flow, [width - 180, 60, 120], ['Country', 'Code', 'Indicators'], 9)
  table.start()
  for (const c of top) {
    table.row([
      [{ text: cleanText(c.name, 120) }],
      [{ text: cleanText(c.country, 2), color: COLORS.muted }],
      [{ text: n(c.count) }],
    ])
  }
  table.end()
}
