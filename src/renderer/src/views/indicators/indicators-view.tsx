import { useEffect, useRef, useState } from 'react'
import type { ExportTargetInput } from '#shared/contract/export.schemas'
import { useIndicators, useServices } from '../../app-context'
import { ExportDialog } from '../../components/export-dialog'
import { WorldMapPanel } from '../../components/world-map-panel'
import { GOTO_INPUT_ID } from '../../hooks/use-shortcuts'
import { cleanFilter } from '../../stores/indicators.store'
import { AddToReportDialog } from '../reports/add-to-report-dialog'
import { EnrichmentRunButton } from './enrichment-run-button'
import { FiltersBar } from './filters-bar'
import { formatCount } from './format'
import { IndicatorDetail } from './indicator-detail'
import { IndicatorsTable } from './indicators-table'
import { COLUMNS, useColumnLayout, type ColumnLayout } from './table-columns'

/** Exports what the table shows: the current filter, in the current order. */
const ExportButton = () => {
  const { indicators } = useServices()
  const [target, setTarget] = useState<ExportTargetInput | null>(null)
  return (
    <>
      <button
        type="button"
        className="button button-small"
        data-testid="export-button"
        onClick={() => {
          const { filter, sort } = indicators.getState()
          setTarget({ kind: 'indicators', filter: cleanFilter(filter), sort })
        }}
      >
        Export
      </button>
      {target ? (
        <ExportDialog target={target} title="Indicators" onClose={() => setTarget(null)} />
      ) : null}
    </>
  )
}

const EmptyState = () => {
  const { ui, indicators } = useServices()
  const filtered = useIndicators((s) => Object.values(s.filter).some((v) => v !== undefined))
  return (
    <div className="empty" data-testid="empty-state">
      {filtered ? (
        <>
          <p>No indicator matches these filters.</p>
          <button
            type="button"
            className="button"
            onClick={() => indicators.getState().clearFilters()}
          >
            Clear filters
          </button>
        </>
      ) : (
        <>
          <p>No indicators yet.</p>
          <div className="empty-actions">
            <button
              type="button"
              className="button button-primary"
              onClick={() => ui.getState().openDialog('create-indicator')}
            >
              New indicator
            </button>
            <button
              type="button"
              className="button"
              onClick={() => ui.getState().openDialog('paste-import')}
            >
              Paste a list
            </button>
          </div>
        </>
      )}
    </div>
  )
}

const ColumnsMenu = (props: { layout: ColumnLayout }) => {
  const [open, setOpen] = useState(false)
  const menu = useRef<HTMLDivElement>(null)
  const { layout } = props
  // A click anywhere else closes the menu, as menus do.
  useEffect(() => {
    if (!open) return
    const onPointerDown = (e: PointerEvent) => {
      if (e.target instanceof Node && !menu.current?.contains(e.target)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointerDown)
    return () => document.removeEventListener('pointerdown', onPointerDown)
  }, [open])
  return (
    <div className="columns-menu" ref={menu}>
      <button
        type="button"
        className="button button-small"
        aria-expanded={open}
        aria-haspopup="true"
        data-testid="columns-button"
        onClick={() => setOpen(!open)}
      >
        Columns
      </button>
      {open ? (
        <div
          className="columns-popover"
          role="group"
          aria-label="Columns shown"
          data-testid="columns-menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault()
              setOpen(false)
            }
          }}
        >
          {COLUMNS.map((c) => (
            <label key={c.id} className="columns-option">
              <input
                type="checkbox"
                checked={!layout.hidden.has(c.id)}
                disabled={c.required === true}
                data-testid={`column-toggle-${c.id}`}
                onChange={() => layout.toggle(c.id)}
              />
              {c.label}
            </label>
          ))}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              layout.reset()
              setOpen(false)
            }}
          >
            Reset widths and columns
          </button>
        </div>
      ) : null}
    </div>
  )
}

/** Adds the selected indicator, or all the filter matches, to a threat report. */
const AddToReportButton = () => {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button
        type="button"
        className="button button-small"
        data-testid="add-to-report"
        onClick={() => setOpen(true)}
      >
        Add to report…
      </button>
      {open ? <AddToReportDialog onClose={() => setOpen(false)} /> : null}
    </>
  )
}

/** "Go to row N" (1-based, as the analyst counts). */
const GoToRow = () => {
  const { indicators } = useServices()
  const total = useIndicators((s) => s.total)
  const [text, setText] = useState('')
  const n = Number(text)
  const valid = text === '' || (Number.isInteger(n) && n >= 1 && total !== null && n <= total)
  return (
    <form
      className="goto-row"
      onSubmit={(e) => {
        e.preventDefault()
        if (text === '' || !valid) return
        indicators.getState().select(n - 1)
        document.querySelector<HTMLElement>('[data-testid="indicators-table"]')?.focus()
      }}
    >
      <label>
        <span className="visually-hidden">Go to row</span>
        <input
          id={GOTO_INPUT_ID}
          type="number"
          min={1}
          max={total ?? undefined}
          placeholder="Go to row"
          value={text}
          aria-invalid={!valid}
          data-testid="goto-row"
          onChange={(e) => setText(e.target.value)}
        />
      </label>
    </form>
  )
}

/**
 * Shown while the search index is rebuilding or catching up: a text search may then miss indicators that
 * exist, and "no results" is not the last word. The store asks again until the index has caught up.
 */
const SearchIndexNotice = () => {
  const partial = useIndicators((s) => s.searchPartial)
  if (partial === null) return null
  const p = partial.indexProgress
  return (
    <p className="search-index-notice" role="status" data-testid="search-index-notice">
      {p
        ? `Search index is rebuilding: ${formatCount(p.indexed)} of ${formatCount(p.total)} indexed; results may be incomplete`
        : 'Search index is rebuilding; results may be incomplete'}
    </p>
  )
}

export const IndicatorsView = () => {
  const layout = useColumnLayout()
  const { indicators } = useServices()
  const total = useIndicators((s) => s.total)
  const stale = useIndicators((s) => s.stale)
  const loadError = useIndicators((s) => s.loadError)
  const detailId = useIndicators((s) => s.detailId)
  const firstPage = useIndicators((s) => s.window.pages.has(0))
  const empty = firstPage && total === 0
  // Tests (and screen readers, through aria-busy) wait for this instead of for time to pass.
  const ready = firstPage && total !== null
  const generation = useIndicators((s) => s.generation)
  const query = useIndicators((s) => s.filter.q ?? '')
  const filter = useIndicators((s) => s.filter)
  const [showMap, setShowMap] = useState(false)

  return (
    <section
      className="view"
      aria-labelledby="indicators-title"
      aria-busy={!ready}
      data-testid="indicators-view"
      data-state={ready ? 'ready' : 'loading'}
      data-generation={generation}
      data-query={query}
    >
      <div className="view-header">
        <h1 id="indicators-title">Indicators</h1>
        <span className="count" data-testid="total-count" aria-live="polite">
          {total === null
            ? '…'
            : `${formatCount(total)} ${total === 1 ? 'indicator' : 'indicators'}`}
        </span>
        {stale ? (
          <button
            type="button"
            className="button button-small"
            data-testid="reload"
            onClick={() => indicators.getState().reload()}
          >
            New changes — reload
          </button>
        ) : null}
        {loadError ? (
          <span className="load-error" role="alert">
            {loadError}{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => indicators.getState().reload()}
            >
              Retry
            </button>
          </span>
        ) : null}
        <div className="view-header-tools">
          <GoToRow />
          <ExportButton />
          <AddToReportButton />
          <button
            type="button"
            className="button button-small world-map-toggle"
            aria-pressed={showMap}
            title="Where the indicators of this query are hosted"
            data-testid="map-toggle"
            onClick={() => setShowMap(!showMap)}
          >
            Map
          </button>
          <EnrichmentRunButton />
          <ColumnsMenu layout={layout} />
        </div>
      </div>
      <FiltersBar />
      <SearchIndexNotice />
      <div className={detailId ? 'view-body with-detail' : 'view-body'}>
        <div className="table-area">
          {showMap ? (
            <WorldMapPanel target={{ kind: 'query', filter: cleanFilter(filter) }} />
          ) : empty ? (
            <EmptyState />
          ) : (
            <IndicatorsTable layout={layout} />
          )}
        </div>
        {detailId ? <IndicatorDetail key={detailId} id={detailId} /> : null}
      </div>
    </section>
  )
}
