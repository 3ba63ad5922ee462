import { SEVERITIES } from '#shared/domain/enums'
import type { ExportStats } from '../export-set'
import { COLORS, type Flow } from './pdf-flow'
import { drawLine, layout } from './pdf-text'

/** Severity colours, worst first (the same order the app's badges use). */
export const SEVERITY_COLORS: Record<string, string> = {
  critical: '#B3261E',
  high: '#E8590C',
  medium: '#F2A900',
  low: '#2F9E44',
  info: '#1C7ED6',
}

/** A timeline wider than this many columns is grouped into equal runs of days. */
const TIMELINE_MAX_COLUMNS = 90
const DAY_MS = 86_400_000

type Bar = { label: string; value: number; color: string }

const label = (
  flow: Flow,
  text: string,
  x: number,
  y: number,
  size: number,
  color: string,
  w?: number,
  align?: 'left' | 'right' | 'center',
): void => {
  const [line] = layout(flow.fonts, [{ text, color }], w ?? 400, size)
  if (line !== undefined) drawLine(flow.doc, line, x, y, size, { width: w, align })
}

const chartTitle = (flow: Flow, text: string, note: string): void => {
  flow.text(
    [
      { text, style: 'bold', color: COLORS.accent },
      { text: note === '' ? '' : `  ${note}`, color: COLORS.muted },
    ],
    { size: 11, gap: 4 },
  )
}

/** Horizontal bars, one row per label, the count written after each bar. */
const horizontalBars = (flow: Flow, title: string, bars: readonly Bar[]): void => {
  const rowH = 14
  const total = bars.reduce((a, b) => a + b.value, 0)
  flow.ensure(30 + rowH * Math.max(bars.length, 1))
  chartTitle(flow, title, `${total.toLocaleString('en-US')} in all`)
  if (bars.length === 0) {
    flow.text([{ text: 'No indicators.', color: COLORS.muted }], { size: 9 })
    return
  }
  const labelW = 110
  const countW = 70
  const barMax = flow.width - labelW - countW
  const max = Math.max(...bars.map((b) => b.value), 1)
  const doc = flow.doc
  for (const b of bars) {
    const y = flow.y
    label(flow, b.label, flow.left, y + 1, 8.5, COLORS.text, labelW - 6)
    const w = Math.max((b.value / max) * barMax, b.value > 0 ? 1 : 0)
    doc
      .save()
      .rect(flow.left + labelW, y + 2, w, rowH - 4)
      .fill(b.color)
      .restore()
    label(
      flow,
      b.value.toLocaleString('en-US'),
      flow.left + labelW + w + 4,
      y + 1,
      8.5,
      COLORS.muted,
    )
    flow.y += rowH
  }
  flow.y += 12
}

/** Vertical bars over a baseline with the largest value marked on the axis. */
const columns = (flow: Flow, bars: readonly Bar[], height: number, every: number): void => {
  const doc = flow.doc
  const axisW = 40
  const x0 = flow.left + axisW
  const w = flow.width - axisW
  const top = flow.y
  const base = top + height
  const max = Math.max(...bars.map((b) => b.value), 1)
  doc
    .save()
    .moveTo(x0, base)
    .lineTo(x0 + w, base)
    .moveTo(x0, top)
    .lineTo(x0, base)
    .lineWidth(0.6)
    .strokeColor(COLORS.rule)
    .stroke()
    .restore()
  label(
    flow,
    max.toLocaleString('en-US'),
    flow.left,
    top - 4,
    7.5,
    COLORS.muted,
    axisW - 4,
    'right',
  )
  label(flow, '0', flow.left, base - 8, 7.5, COLORS.muted, axisW - 4, 'right')
  const slot = w / Math.max(bars.length, 1)
  const barW = Math.min(Math.max(slot * 0.75, 0.5), 36)
  let lastLabel = -Infinity
  bars.forEach((b, i) => {
    const h = (b.value / max) * (height - 4)
    const x = x0 + i * slot + (slot - barW) / 2
    if (h > 0)
      doc
        .save()
        .rect(x, base - h, barW, Math.max(h, 0.5))
        .fill(b.color)
        .restore()
    if (i % every !== 0 && i !== bars.length - 1) return
    // Centred under its bar, but kept inside the chart's width at both ends.
    const lx = Math.min(Math.max(x0 + i * slot + slot / 2 - 20, x0 - 20), x0 + w - 40)
    if (lx - lastLabel < 44) return
    lastLabel = lx
    label(flow, b.label, lx, base + 3, 7, COLORS.muted, 40, 'center')
  })
  flow.y = base + 22
}

const scoreChart = (flow: Flow, buckets: readonly number[]): void => {
  const total = buckets.reduce((a, b) => a + b, 0)
  flow.ensure(170)
  chartTitle(flow, 'Score distribution', `${total.toLocaleString('en-US')} in all`)
  const bars = Array.from({ length: 10 }, (_, i) => ({
    label: i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`,
    value: buckets[i] ?? 0,
    color: COLORS.accent,
  }))
  columns(flow, bars, 120, 1)
  flow.y += 6
}

/** Days from the first to the last, empty days as zero, grouped so the chart keeps a readable width. */
export const timelineColumns = (
  timeline: ExportStats['timeline'],
): { bars: { day: string; value: number }[]; daysPerColumn: number } => {
  const first = timeline[0]
  const last = timeline[timeline.length - 1]
  if (first === undefined || last === undefined) return { bars: [], daysPerColumn: 1 }
  const start = Date.parse(`${first.day}T00:00:00Z`)
  const span = Math.floor((Date.parse(`${last.day}T00:00:00Z`) - start) / DAY_MS) + 1
  const per = Math.max(1, Math.ceil(span / TIMELINE_MAX_COLUMNS))
  const n = Math.ceil(span / per)
  const bars = Array.from({ length: n }, (_, i) => ({
    day: new Date(start + i * per * DAY_MS).toISOString().slice(0, 10),
    value: 0,
  }))
  for (const { day, count } of timeline) {
    const t = Date.parse(`${day}T00:00:00Z`)
    if (Number.isNaN(t)) continue
    const bar = bars[Math.floor((t - start) / DAY_MS / per)]
    if (bar !== undefined) bar.value += count
  }
  return { bars, daysPerColumn: per }
}

const timelineChart = (flow: Flow, timeline: ExportStats['timeline']): void => {
  flow.ensure(170)
  const { bars, daysPerColumn } = timelineColumns(timeline)
  chartTitle(
    flow,
    'Timeline (first seen)',
    daysPerColumn === 1 ? 'per day, UTC' : `per ${daysPerColumn} days, UTC`,
  )
  if (bars.length === 0) {
    flow.text([{ text: 'No first-seen dates.', color: COLORS.muted }], { size: 9 })
    return
  }
  const every = Math.max(1, Math.ceil(bars.length / 6))
  columns(
    flow,
    bars.map((b) => ({ label: b.day, value: b.value, color: '#3b7dd8' })),
    110,
    every,
  )
}

/** The charts section: every chart counts the whole set (stats), even when the table is capped. */
export const writeCharts = (flow: Flow, stats: ExportStats): void => {
  flow.section('Charts')
  const byType = Object.entries(stats.byType)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 30)
    .map(([t, n]) => ({ label: t, value: n, color: COLORS.accent }))
  horizontalBars(flow, 'Indicators by type', byType)
  const known = SEVERITIES.map((s) => ({
    label: s,
    value: stats.bySeverity[s] ?? 0,
    color: SEVERITY_COLORS[s] ?? COLORS.muted,
  }))
  const other = Object.entries(stats.bySeverity)
    .filter(([s, n]) => !(SEVERITIES as readonly string[]).includes(s) && n > 0)
    .slice(0, 10)
    .map(([s, n]) => ({ label: s, value: n, color: COLORS.muted }))
  horizontalBars(flow, 'Indicators by severity', [...known, ...other])
  scoreChart(flow, stats.scoreBuckets)
  timelineChart(flow, stats.timeline)
}
