import { useEffect, useState } from 'react'
import { useStore } from 'zustand'
import { useServices } from '../../app-context'
import { createTriageStore } from '../../stores/triage.store'
import { TriageDetail } from './triage-detail'
import { TriageFilters } from './triage-filters'
import { TriageList } from './triage-list'
import { useTriageKeys } from './use-triage-keys'
import './triage.css'

/**
 * The triage view: the queue of open alerts and incidents, most severe first, driven by the keyboard
 * (j/k, x, a/e/r/f/t, Enter, Escape). The queue follows the alerts' and incidents' change events.
 */
export const TriageView = () => {
  const { client, ui } = useServices()
  const [store] = useState(() =>
    createTriageStore(client, (message) => ui.getState().toast('error', message)),
  )
  useEffect(() => store.getState().start(), [store])
  useTriageKeys(store, ui)
  const detail = useStore(store, (s) => s.detail)
  const error = useStore(store, (s) => s.loadError)
  const total = useStore(store, (s) => s.window.total)
  const ready = useStore(store, (s) => s.window.pages.has(0) && !s.busy)
  const shownFilter = useStore(store, (s) => s.shownFilter)
  const focusKey = useStore(store, (s) => s.focusKey)
  return (
    <section
      className="triage-view"
      aria-label="Triage"
      data-testid="triage-view"
      // Named states for tests and assistive tools: loaded and idle, the filter shown, the focused item.
      data-state={ready ? 'ready' : 'loading'}
      data-query={shownFilter === null ? '' : JSON.stringify(shownFilter)}
      data-focus={focusKey ?? ''}
    >
      <TriageFilters store={store} />
      {error !== null ? <p className="triage-error">{error}</p> : null}
      <div className="triage-body">
        {total === 0 ? (
          <p className="triage-empty" data-testid="triage-empty">
            Nothing to triage.
          </p>
        ) : (
          <TriageList store={store} />
        )}
        {detail !== null ? (
          <TriageDetail item={detail} onClose={() => store.getState().closeDetail()} />
        ) : null}
      </div>
    </section>
  )
}
