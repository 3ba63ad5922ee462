import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import type { Indicator, IndicatorSort } from '#shared/contract/indicators.contract'
import { defang } from '#shared/domain'
import { useIndicators, useServices } from '../../app-context'
import {
  ClassificationBadge,
  ScoreMeter,
  SeverityBadge,
  StatusFlags,
  TagList,
  TlpBadge,
} from '../../components/badges'
import { CopyButton } from '../../components/copy-button'
import { residentRows, rowCount } from '../../stores/page-window'
import { TYPE_LABELS, formatDateTime } from './format'
import type { Column, ColumnId, ColumnLayout } from './table-columns'
import { useScaledScroll } from './use-scaled-scroll'
import './indicators-table.css'

export const ROW_HEIGHT = 32
const HEADER_HEIGHT = 34
/** Rows rendered beyond the viewport each way: enough for smooth wheel scrolling, still a few dozen nodes. */
const OVERSCAN = 8

const HeaderCell = (props: {
  column: Column
  sort: IndicatorSort
  width: number
  onSort: (f: IndicatorSort['field']) => void
  onResize: (width: number) => void
}) => {
  const { column, sort } = props
  const field = column.sort
  const current = field !== undefined && sort.field === field
  const ariaSort = current ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'
  return (
    <div
      role="columnheader"
      className={`cell col-${column.id}`}
      aria-sort={field ? ariaSort : undefined}
      data-testid={`header-${column.id}`}
    >
      {field ? (
        <button
          type="button"
          className={current ? 'sort-button sorted' : 'sort-button'}
          data-testid={`sort-${column.id}`}
          onClick={() => props.onSort(field)}
        >
          {column.label}
          <span className="sort-arrow" aria-hidden="true">
            {current ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      ) : (
        <span className="header-label">{column.label}</span>
      )}
      <div
        className="column-resizer"
        role="separator"
        aria-orientation="vertical"
        aria-label={`Resize ${column.label}`}
        aria-valuenow={props.width}
        tabIndex={0}
        data-testid={`resize-${column.id}`}
        onKeyDown={(e) => {
          // The keyboard's way to resize: arrows move the edge.
          if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return
          e.preventDefault()
          props.onResize(props.width + (e.key === 'ArrowRight' ? 16 : -16))
        }}
        onPointerDown={(e) => {
          e.preventDefault()
          const startX = e.clientX
          const startWidth = props.width
          const handle = e.currentTarget
          handle.setPointerCapture(e.pointerId)
          const move = (ev: PointerEvent) => props.onResize(startWidth + ev.clientX - startX)
          const up = () => {
            handle.removeEventListener('pointermove', move)
            handle.removeEventListener('pointerup', up)
            handle.removeEventListener('pointercancel', up)
          }
          handle.addEventListener('pointermove', move)
          handle.addEventListener('pointerup', up)
          handle.addEventListener('pointercancel', up)
        }}
      />
    </div>
  )
}

/** The cells of a row, by column, so hidden columns are simply left out. */
const cellsOf = (row: Indicator): Record<ColumnId, ReactNode> => ({
  type: <span className="type-chip">{TYPE_LABELS[row.type]}</span>,
  value: (
    <>
      <span className="value mono" title={defang(row.type, row.value)} data-testid="row-value">
        {defang(row.type, row.value)}
      </span>
      <CopyButton value={row.value} label={`Copy ${row.type} value`} />
    </>
  ),
  classification: <ClassificationBadge value={row.classification} />,
  severity: <SeverityBadge value={row.severity} />,
  score: <ScoreMeter score={row.score} risk={row.riskLevel} />,
  tlp: <TlpBadge value={row.tlp} />,
  tags: <TagList tags={row.tags} />,
  lastSeen: formatDateTime(row.lastSeen),
  sources: (
    <span
      className="mono"
      title={`${row.sourceCount} source${row.sourceCount === 1 ? '' : 's'}, ${row.sightingCount} sighting${row.sightingCount === 1 ? '' : 's'}`}
    >
      {row.sourceCount} / {row.sightingCount}
    </span>
  ),
  status: (
    <StatusFlags active={row.active} falsePositive={row.falsePositive} expired={row.expired} />
  ),
})

const RowCells = (props: { row: Indicator; columns: readonly Column[] }) => {
  const cells = cellsOf(props.row)
  return (
    <>
      {props.columns.map((c) => (
        <div
          key={c.id}
          role="gridcell"
          className={`cell col-${c.id}${c.id === 'lastSeen' ? ' mono' : ''}`}
        >
          {cells[c.id]}
        </div>
      ))}
    </>
  )
}

/**
 * The indicator table: a fixed-height virtual list over the whole result. The scrollbar spans every row the
 * count reports (scaled when the rows would be taller than a browser lets an element be), so dragging it
 * lands anywhere; the store fetches the pages in view, by position when nothing next to them is loaded.
 */
export const IndicatorsTable = (props: { layout: ColumnLayout }) => {
  const { layout } = props
  const { indicators } = useServices()
  const page = useIndicators((s) => s.window)
  const sort = useIndicators((s) => s.sort)
  const total = useIndicators((s) => s.total)
  const generation = useIndicators((s) => s.generation)
  const selectedIndex = useIndicators((s) => s.selectedIndex)
  const revealSeq = useIndicators((s) => s.revealSeq)
  const scroller = useRef<HTMLDivElement>(null)
  const [viewport, setViewport] = useState(0)

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const observer = new ResizeObserver(() => setViewport(el.clientHeight))
    observer.observe(el)
    setViewport(el.clientHeight)
    return () => observer.disconnect()
  }, [])

  const count = rowCount(page)
  const bodyHeight = Math.max(0, viewport - HEADER_HEIGHT)
  const scroll = useScaledScroll(scroller, count * ROW_HEIGHT, bodyHeight)

  const first = Math.max(0, Math.floor(scroll.top / ROW_HEIGHT) - OVERSCAN)
  const last = Math.min(count - 1, Math.ceil((scroll.top + bodyHeight) / ROW_HEIGHT) + OVERSCAN)

  useEffect(() => {
    indicators.getState().showRange(first, Math.max(first, last))
  }, [indicators, first, last, generation, count])

  // A new query starts at the top.
  useEffect(() => {
    scroll.scrollTo(0)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new query moves back to the top
  }, [generation])

  useEffect(() => {
    if (selectedIndex < 0) return
    const rowTop = selectedIndex * ROW_HEIGHT
    if (rowTop < scroll.top) scroll.scrollTo(rowTop)
    else if (rowTop + ROW_HEIGHT > scroll.top + bodyHeight)
      scroll.scrollTo(rowTop + ROW_HEIGHT - bodyHeight)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- follows the selection, not every scroll
  }, [revealSeq, selectedIndex])

  const open = (index: number) => {
    const state = indicators.getState()
    state.select(index)
    const row = state.rowAt(index)
    if (row) state.openDetail(row.id)
  }

  const grid = { gridTemplateColumns: layout.template, minWidth: layout.minWidth }
  const rows: ReactNode[] = []
  for (let index = first; index <= last; index++) {
    const row = indicators.getState().rowAt(index)
    // Where the row sits in the (possibly scaled) scroll space: relative to what the viewport shows.
    const y = scroll.scrollTop + index * ROW_HEIGHT - scroll.top
    const selected = index === selectedIndex
    rows.push(
      <div
        key={row?.id ?? `placeholder-${index}`}
        role="row"
        aria-rowindex={index + 2}
        aria-selected={selected}
        className={`row${selected ? ' selected' : ''}${row ? '' : ' placeholder'}${row?.falsePositive ? ' is-fp' : ''}`}
        style={{ ...grid, transform: `translateY(${y}px)` }}
        data-testid={row ? 'indicator-row' : 'placeholder-row'}
        data-index={index}
        data-id={row?.id}
        onClick={() => open(index)}
      >
        {row ? (
          <RowCells row={row} columns={layout.visible} />
        ) : (
          <div role="gridcell" className="cell placeholder-cell" aria-busy="true">
            Loading…
          </div>
        )}
      </div>,
    )
  }

  return (
    <div
      ref={scroller}
      className="table-scroll"
      role="grid"
      aria-label="Indicators"
      aria-rowcount={total === null ? -1 : total + 1}
      aria-colcount={layout.visible.length}
      tabIndex={0}
      data-testid="indicators-table"
      data-total-rows={count}
      data-resident-rows={residentRows(page)}
      data-scaled={scroll.scaled}
      onScroll={scroll.onScroll}
    >
      <div className="table-header" role="row" aria-rowindex={1} style={grid}>
        {layout.visible.map((c) => (
          <HeaderCell
            key={c.id}
            column={c}
            sort={sort}
            width={layout.widthOf(c.id)}
            onSort={(f) => indicators.getState().setSort(f)}
            onResize={(w) => layout.setWidth(c.id, w)}
          />
        ))}
      </div>
      <div
        className="table-body"
        role="rowgroup"
        style={{ height: scroll.spacerHeight, minWidth: layout.minWidth }}
      >
        {rows}
      </div>
    </div>
  )
}
