/**
 * Small SVG bar charts for summary statistics: horizontal bars for counts by a category (type, severity),
 * columns for a per-day series. Labels are React text nodes (never markup), sized by the viewBox so the
 * chart scales with its column.
 */

export type Bar = { label: string; value: number }

const BAR_H = 18
const GAP = 6
const LABEL_W = 110
const VALUE_W = 56
const WIDTH = 420

/** Counts sorted largest first (then by name), at most `max` bars; the rest summed as "other". */
export const barsOf = (counts: Readonly<Record<string, number>>, max = 10): Bar[] => {
  const all = Object.entries(counts)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([label, value]) => ({ label, value }))
  if (all.length <= max) return all
  const rest = all.slice(max - 1).reduce((a, b) => a + b.value, 0)
  return [...all.slice(0, max - 1), { label: 'other', value: rest }]
}

export const HBarChart = (props: { title: string; bars: readonly Bar[]; testId: string }) => {
  const top = Math.max(1, ...props.bars.map((b) => b.value))
  const height = Math.max(1, props.bars.length) * (BAR_H + GAP)
  const span = WIDTH - LABEL_W - VALUE_W
  return (
    <figure className="summary-chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      {props.bars.length === 0 ? (
        <p className="muted">Nothing in this range.</p>
      ) : (
        <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.title}>
          {props.bars.map((b, i) => {
            const y = i * (BAR_H + GAP)
            const w = Math.max(2, (b.value / top) * span)
            return (
              <g key={b.label} data-label={b.label} data-value={b.value}>
                <text
                  x={LABEL_W - 6}
                  y={y + BAR_H - 5}
                  textAnchor="end"
                  className="summary-chart-label"
                >
                  {b.label.length > 16 ? `${b.label.slice(0, 15)}…` : b.label}
                </text>
                <rect
                  x={LABEL_W}
                  y={y}
                  width={w}
                  height={BAR_H}
                  rx={3}
                  className="summary-chart-bar"
                />
                <text x={LABEL_W + w + 5} y={y + BAR_H - 5} className="summary-chart-value">
                  {b.value.toLocaleString()}
                </text>
              </g>
            )
          })}
        </svg>
      )}
    </figure>
  )
}

const COL_H = 120
const AXIS_H = 18

/** One column per day; with many days only some are labelled so the labels never overlap. */
export const DayChart = (props: {
  title: string
  days: readonly { day: string; value: number; high: number }[]
  testId: string
}) => {
  const n = Math.max(1, props.days.length)
  const top = Math.max(1, ...props.days.map((d) => d.value))
  const colW = WIDTH / n
  const every = Math.ceil(n / 8)
  return (
    <figure className="summary-chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${COL_H + AXIS_H}`} role="img" aria-label={props.title}>
        {props.days.map((d, i) => {
          const h = (d.value / top) * (COL_H - 14)
          const hh = (d.high / top) * (COL_H - 14)
          // A few days' columns would be slabs: at most 36 units wide, centred in their slot.
          const w = Math.min(colW * 0.7, 36)
          const x = i * colW + (colW - w) / 2
          return (
            <g key={d.day} data-day={d.day} data-value={d.value} data-high={d.high}>
              <title>{`${d.day}: ${d.value} new, ${d.high} scored high`}</title>
              <rect x={x} y={COL_H - h} width={w} height={h} className="summary-chart-bar" />
              <rect x={x} y={COL_H - hh} width={w} height={hh} className="summary-chart-high" />
              {d.value > 0 && n <= 14 ? (
                <text
                  x={x + w / 2}
                  y={COL_H - h - 3}
                  textAnchor="middle"
                  className="summary-chart-value"
                >
                  {d.value}
                </text>
              ) : null}
              {i % every === 0 ? (
                <text
                  x={x + w / 2}
                  y={COL_H + AXIS_H - 4}
                  textAnchor="middle"
                  className="summary-chart-label"
                >
                  {d.day.slice(5)}
                </text>
              ) : null}
            </g>
          )
        })}
      </svg>
    </figure>
  )
}
