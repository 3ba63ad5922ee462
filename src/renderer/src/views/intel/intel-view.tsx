import { useEffect } from 'react'
import { useStore } from 'zustand'
import { formatCount } from '../indicators/format'
import { IntelEntityDetail } from './intel-entity-detail'
import { IntelEntityForm } from './intel-entity-form'
import { IntelGraph } from './intel-graph'
import { KIND_LABELS } from './intel-format'
import { IntelFilters, IntelList } from './intel-list'
import { useIntelNav } from './intel-nav'
import { INTEL_TABS } from './intel.store'
import './intel.css'

/**
 * Intel: threat actors, campaigns, vulnerabilities and malware (a tab each, threat reports live in Reports),
 * each with a searchable, filterable list and a detail pane; and the graph to pivot between them and the
 * indicators.
 */
export const IntelView = () => {
  const { intel: store } = useIntelNav()
  useEffect(() => store.getState().start(), [store])
  const tab = useStore(store, (s) => s.tab)
  const total = useStore(store, (s) => s.total)
  const loading = useStore(store, (s) => s.loading)
  const loadError = useStore(store, (s) => s.loadError)
  const selectedId = useStore(store, (s) => s.selectedId)
  const creating = useStore(store, (s) => s.creating)
  const generation = useStore(store, (s) => s.generation)
  const filter = useStore(store, (s) => s.filter)
  return (
    <section
      className="view intel-view"
      aria-labelledby="intel-title"
      data-testid="intel-view"
      data-tab={tab}
      data-state={loading ? 'loading' : 'ready'}
      data-generation={generation}
      data-query={JSON.stringify(filter)}
    >
      <div className="view-header">
        <h1 id="intel-title">Intel</h1>
        <div className="intel-tabs" role="tablist" aria-label="Intel kinds">
          {INTEL_TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={t.id === tab}
              className={t.id === tab ? 'intel-tab active' : 'intel-tab'}
              data-testid={`intel-tab-${t.id}`}
              onClick={() => store.getState().setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </div>
        {tab !== 'graph' ? (
          <>
            <span className="count" data-testid="intel-total" aria-live="polite">
              {total === null ? '…' : formatCount(total)}
            </span>
            <div className="view-header-actions">
              <button
                type="button"
                className="button button-primary"
                data-testid="intel-new"
                onClick={() => store.getState().setCreating(true)}
              >
                New {KIND_LABELS[tab].toLowerCase()}
              </button>
            </div>
          </>
        ) : null}
      </div>
      {tab === 'graph' ? (
        <IntelGraph />
      ) : (
        <>
          <IntelFilters key={tab} store={store} />
          {loadError !== null ? (
            <p className="load-error intel-load-error" role="alert">
              {loadError}
            </p>
          ) : null}
          <div className="view-body intel-body">
            <IntelList store={store} />
            {creating ? (
              <aside className="detail intel-detail" aria-label="New entity">
                <div className="detail-body">
                  <IntelEntityForm
                    key={tab}
                    kind={tab}
                    onDone={(saved) => {
                      store.getState().setCreating(false)
                      if (saved !== null) store.getState().select(saved.id)
                    }}
                  />
                </div>
              </aside>
            ) : selectedId !== null ? (
              <IntelEntityDetail
                key={selectedId}
                id={selectedId}
                onClose={() => store.getState().select(null)}
              />
            ) : null}
          </div>
        </>
      )}
    </section>
  )
}
