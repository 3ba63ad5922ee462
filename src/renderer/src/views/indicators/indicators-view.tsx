import { useIndicators, useServices } from '../../app-context'
import { rowCount } from '../../stores/page-window'
import { FiltersBar } from './filters-bar'
import { formatCount } from './format'
import { IndicatorDetail } from './indicator-detail'
import { IndicatorsTable } from './indicators-table'

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

export const IndicatorsView = () => {
  const { indicators } = useServices()
  const total = useIndicators((s) => s.total)
  const stale = useIndicators((s) => s.stale)
  const loadError = useIndicators((s) => s.loadError)
  const detailId = useIndicators((s) => s.detailId)
  const empty = useIndicators((s) => s.window.complete && rowCount(s.window) === 0)
  // Tests (and screen readers, through aria-busy) wait for this instead of for time to pass.
  const ready = useIndicators((s) => s.total !== null && s.window.slots[0]?.loadedOnce === true)
  const generation = useIndicators((s) => s.generation)
  const query = useIndicators((s) => s.filter.q ?? '')

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
      </div>
      <FiltersBar />
      <div className={detailId ? 'view-body with-detail' : 'view-body'}>
        <div className="table-area">{empty ? <EmptyState /> : <IndicatorsTable />}</div>
        {detailId ? <IndicatorDetail key={detailId} id={detailId} /> : null}
      </div>
    </section>
  )
}
