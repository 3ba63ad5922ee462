import { geoPath } from 'd3-geo'
import { useMemo, useRef, useState, type FocusEvent, type PointerEvent } from 'react'
import type { Out } from '#shared/contract'
import {
  binLabel,
  binOf,
  countBins,
  worldPoints,
  worldProjection,
  worldShapes,
} from '#shared/domain/world-map'
import './world-map.css'

export type GeoCounts = Out<'enrichment.geoCounts'>

/** The SVG's own coordinate box; it scales to the width it is given. */
const WIDTH = 960
const HEIGHT = 470

/** The dot a country too small for the shapes is drawn as, in SVG units. */
const DOT_RADIUS = 4

type DrawnCountry = {
  key: string
  country: string | null
  name: string
  d: string
  /** A dot for a country the shapes leave out: drawn only when it holds indicators. */
  dot: boolean
  /** Where a tooltip opened from the keyboard points: the shape's centroid, in SVG units. */
  cx: number
  cy: number
}

let drawn: DrawnCountry[] | null = null

const circle = (x: number, y: number, r: number): string =>
  `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`

/** Path strings for every country, computed once: they do not depend on the counts. */
const drawnCountries = (): DrawnCountry[] => {
  if (drawn !== null) return drawn
  const projection = worldProjection(WIDTH, HEIGHT)
  const path = geoPath(projection)
  const shapes = worldShapes().map((s, i): DrawnCountry => {
    const [cx, cy] = path.centroid(s.feature)
    return {
      key: s.country ?? `x-${i}`,
      country: s.country,
      name: s.name,
      d: path(s.feature) ?? '',
      dot: false,
      cx: Number.isFinite(cx) ? cx : WIDTH / 2,
      cy: Number.isFinite(cy) ? cy : HEIGHT / 2,
    }
  })
  const dots = worldPoints().flatMap((p): DrawnCountry[] => {
    const at = projection(p.coordinates)
    if (at === null) return []
    const [x, y] = at
    return [
      {
        key: p.country,
        country: p.country,
        name: p.name,
        d: circle(x, y, DOT_RADIUS),
        dot: true,
        cx: x,
        cy: y,
      },
    ]
  })
  drawn = [...shapes, ...dots]
  return drawn
}

const fmt = (n: number): string => n.toLocaleString('en-US')
const indicatorsText = (n: number): string => `${fmt(n)} ${n === 1 ? 'indicator' : 'indicators'}`

type Tip = { text: string; x: number; y: number }

/**
 * Where indicators are hosted, drawn offline: countries coloured by how many indicators they hold, a
 * tooltip on hover and on keyboard focus (countries with indicators are in the tab order, most first), the
 * legend, and the same numbers as a table for screen readers and exact reading.
 */
export const WorldMap = (props: { counts: GeoCounts; caption?: string }) => {
  const { counts } = props
  const box = useRef<HTMLDivElement>(null)
  const [tip, setTip] = useState<Tip | null>(null)
  const byCountry = useMemo(
    () => new Map(counts.countries.map((c) => [c.country, c])),
    [counts.countries],
  )
  const bins = useMemo(
    () => countBins(Math.max(0, ...counts.countries.map((c) => c.count))),
    [counts.countries],
  )
  const shapes = drawnCountries()
  const drawnCodes = useMemo(() => new Set(shapes.map((s) => s.country)), [shapes])
  // Coloured countries last: their focus outline is drawn over their neighbours, and the tab order is the
  // table's (most indicators first, then by code).
  const order = new Map(counts.countries.map((c, i) => [c.country, i]))
  const coloured = shapes
    .filter((s) => s.country !== null && byCountry.has(s.country))
    .sort((a, b) => (order.get(a.country ?? '') ?? 0) - (order.get(b.country ?? '') ?? 0))
  const plain = shapes.filter((s) => !s.dot && (s.country === null || !byCountry.has(s.country)))
  const offMap = counts.countries.filter((c) => !drawnCodes.has(c.country))

  const tipAt = (text: string, clientX: number, clientY: number) => {
    const r = box.current?.getBoundingClientRect()
    if (r === undefined) return
    setTip({ text, x: clientX - r.left, y: clientY - r.top })
  }
  const tipAtShape = (text: string, s: DrawnCountry, svg: SVGSVGElement | null) => {
    const r = box.current?.getBoundingClientRect()
    const v = svg?.getBoundingClientRect()
    if (r === undefined || v === undefined) return
    setTip({
      text,
      x: v.left - r.left + (s.cx / WIDTH) * v.width,
      y: v.top - r.top + (s.cy / HEIGHT) * v.height,
    })
  }
  const label = (s: DrawnCountry): string => {
    const c = s.country === null ? undefined : byCountry.get(s.country)
    return `${c?.name ?? s.name}: ${indicatorsText(c?.count ?? 0)}`
  }

  const shape = (s: DrawnCountry, focusable: boolean) => {
    const c = s.country === null ? undefined : byCountry.get(s.country)
    const bin = binOf(bins, c?.count ?? 0)
    return (
      <path
        key={s.key}
        d={s.d}
        className={`world-map-country${bin === null ? ' empty' : ''}${s.dot ? ' dot' : ''}`}
        style={bin === null ? undefined : { fill: bin.color }}
        data-country={s.country ?? undefined}
        data-count={c?.count ?? 0}
        tabIndex={focusable ? 0 : undefined}
        role={focusable ? 'img' : undefined}
        aria-label={focusable ? label(s) : undefined}
        onPointerMove={(e: PointerEvent<SVGPathElement>) => tipAt(label(s), e.clientX, e.clientY)}
        onPointerLeave={() => setTip(null)}
        onFocus={(e: FocusEvent<SVGPathElement>) =>
          tipAtShape(label(s), s, e.currentTarget.ownerSVGElement)
        }
        onBlur={() => setTip(null)}
      />
    )
  }

  return (
    <figure className="world-map" data-testid="world-map">
      <div className="world-map-main">
        <div className="world-map-canvas" ref={box}>
          <svg
            viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
            role="group"
            aria-label="Map of the countries where the indicators are hosted"
            onKeyDown={(e) => {
              if (e.key === 'Escape') setTip(null)
            }}
          >
            <g aria-hidden="true">{plain.map((s) => shape(s, false))}</g>
            <g>{coloured.map((s) => shape(s, true))}</g>
          </svg>
          {tip !== null ? (
            <div
              className="world-map-tooltip"
              role="tooltip"
              data-testid="world-map-tooltip"
              style={{ left: tip.x, top: tip.y }}
            >
              {tip.text}
            </div>
          ) : null}
        </div>
        <ul className="world-map-legend" aria-label="Legend: indicators per country">
          <li>
            <span className="world-map-swatch empty" aria-hidden="true" />
            none
          </li>
          {bins.map((b) => (
            <li key={b.min}>
              <span
                className="world-map-swatch"
                style={{ background: b.color }}
                aria-hidden="true"
              />
              {binLabel(b)}
            </li>
          ))}
        </ul>
        <p className="world-map-unlocated" data-testid="world-map-unlocated">
          Located: {fmt(counts.located)} · not located: {fmt(counts.unlocated)}
        </p>
      </div>
      <div className="world-map-side">
        <table className="world-map-table" data-testid="world-map-table">
          <caption>{props.caption ?? 'Indicators per country'}</caption>
          <thead>
            <tr>
              <th scope="col">Country</th>
              <th scope="col">Indicators</th>
            </tr>
          </thead>
          <tbody>
            {counts.countries.length === 0 ? (
              <tr>
                <td colSpan={2} className="world-map-none">
                  No indicator has a country yet: enrich addresses (GeoIP) or resolve domains (DNS).
                </td>
              </tr>
            ) : (
              counts.countries.map((c) => (
                <tr key={c.country} data-country={c.country}>
                  <th scope="row">
                    {c.name} <span className="world-map-code">{c.country}</span>
                  </th>
                  <td>{fmt(c.count)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
        {offMap.length > 0 ? (
          <p className="world-map-note">
            Not on the map (it has no shape or point for them):{' '}
            {offMap.map((c) => c.name).join(', ')}.
          </p>
        ) : null}
        <p className="world-map-note">
          A domain counts in each country its addresses are in, so the counts can add up to more
          than the located indicators.
        </p>
      </div>
    </figure>
  )
}

export default WorldMap
