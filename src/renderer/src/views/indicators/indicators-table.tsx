import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
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
import { rowCount } from '../../stores/page-window'
import { TYPE_LABELS, formatDateTime } from './format'

export const ROW_HEIGHT = 32
const HEADER_HEIGHT = 34
/** Rows rendered beyond the viewport each way: enough for smooth wheel scrolling, still a few dozen nodes. */
const OVERSCAN = 8

type Column = { id: string; label: string; sort?: IndicatorSort['field'] }

const COLUMNS: readonly Column[] = [
  { id: 'type', label: 'Type', sort: 'type' },
  { id: 'value', label: 'Value', sort: 'value' },
  { id: 'classification', label: 'Classification' },
  { id: 'severity', label: 'Severity', sort: 'severity' },
  { id: 'score', label: 'Score / risk', sort: 'score' },
  { id: 'tlp', label: 'TLP' },
  { id: 'tags', label: 'Tags' },
  { id: 'lastSeen', label: 'Last seen', sort: 'lastSeen' },
  { id: 'status', label: 'Status' },
]

const HeaderCell = (props: {
  column: Column
  sort: IndicatorSort
  onSort: (f: IndicatorSort['field']) => void
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
    </div>
  )
}

const RowCells = (props: { row: Indicator }) => {
  const { row } = props
  return (
    <>
      <div role="gridcell" className="cell col-type">
        <span className="type-chip">{TYPE_LABELS[row.type]}</span>
      </div>
      <div role="gridcell" className="cell col-value">
        <span className="value mono" title={defang(row.type, row.value)} data-testid="row-value">
          {defang(row.type, row.value)}
        </span>
        <CopyButton value={row.value} label={`Copy ${row.type} value`} />
      </div>
      <div role="gridcell" className="cell col-classification">
        <ClassificationBadge value={row.classification} />
      </div>
      <div role="gridcell" className="cell col-severity">
        <SeverityBadge value={row.severity} />
      </div>
      <div role="gridcell" className="cell col-score">
        <ScoreMeter score={row.score} risk={row.riskLevel} />
      </div>
      <div role="gridcell" className="cell col-tlp">
        <TlpBadge value={row.tlp} />
      </div>
      <div role="gridcell" className="cell col-tags">
        <TagList tags={row.tags} />
      </div>
      <div role="gridcell" className="cell col-lastSeen mono">
        {formatDateTime(row.lastSeen)}
      </div>
      <div role="gridcell" className="cell col-status">
        <StatusFlags active={row.active} falsePositive={row.falsePositive} />
      </div>
    </>
  )
}

/**
 * The indicator table: a fixed-height virtual list over the store's page window. It renders only the rows in
 * view (plus overscan) and tells the store which rows those are; the store fetches missing keyset pages.
 */
export const IndicatorsTable = () => {
  const { indicators } = useServices()
  const page = useIndicators((s) => s.window)
  const sort = useIndicators((s) => s.sort)
  const total = useIndicators((s) => s.total)
  const generation = useIndicators((s) => s.generation)
  const selectedIndex = useIndicators((s) => s.selectedIndex)
  const scroller = useRef<HTMLDivElement>(null)

  const loaded = rowCount(page)
  const count = loaded + (page.complete ? 0 : 1)

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as documented
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    scrollMargin: HEADER_HEIGHT,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? 0

  useEffect(() => {
    indicators.getState().showRange(first, last)
  }, [indicators, first, last, generation, loaded])

  // A new query starts at the top.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 })
  }, [generation, sort])

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' })
  }, [selectedIndex, virtualizer])

  const open = (index: number) => {
    const state = indicators.getState()
    state.select(index)
    const row = state.rowAt(index)
    if (row) state.openDetail(row.id)
  }

  return (
    <div
      ref={scroller}
      className="table-scroll"
      role="grid"
      aria-label="Indicators"
      aria-rowcount={total === null ? -1 : total + 1}
      aria-colcount={COLUMNS.length}
      tabIndex={0}
      data-testid="indicators-table"
      data-loaded-rows={loaded}
      data-resident-rows={page.slots.reduce((n, slot) => n + (slot.rows?.length ?? 0), 0)}
      data-complete={page.complete}
    >
      <div className="table-header" role="row" aria-rowindex={1}>
        {COLUMNS.map((c) => (
          <HeaderCell
            key={c.id}
            column={c}
            sort={sort}
            onSort={(f) => indicators.getState().setSort(f)}
          />
        ))}
      </div>
      <div className="table-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = indicators.getState().rowAt(item.index)
          const top = item.start - HEADER_HEIGHT
          if (item.index >= loaded) {
            return (
              <div
                key="more"
                className="row row-status"
                style={{ transform: `translateY(${top}px)` }}
                data-testid="rows-loading"
              >
                Loading more…
              </div>
            )
          }
          const selected = item.index === selectedIndex
          return (
            <div
              key={row?.id ?? `placeholder-${item.index}`}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected}
              className={`row${selected ? ' selected' : ''}${row ? '' : ' placeholder'}${row?.falsePositive ? ' is-fp' : ''}`}
              style={{ transform: `translateY(${top}px)` }}
              data-testid={row ? 'indicator-row' : 'placeholder-row'}
              data-index={item.index}
              data-id={row?.id}
              onClick={() => open(item.index)}
            >
              {row ? (
                <RowCells row={row} />
              ) : (
                <div role="gridcell" className="cell placeholder-cell" aria-busy="true">
                  Loading…
                </div>
              )}
            </div>
          )
        })}
      </div>
    </div>
  )
}
