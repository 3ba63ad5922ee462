import { useCallback, useEffect, useMemo, useState } from 'react'
import { errorMessage } from '../../api/client'
import { useClient } from '../../app-context'
import { reportMatches, type ReportListFilter } from './report-draft'
import { listReports, type ReportListItem } from './reports-api'

/** Coalesces a burst of change events (an import of many reports) into one load. */
const LOAD_DEBOUNCE_MS = 100

export type ReportsListState = {
  /** Loads again (after this window saved, published or deleted a report). */
  reload: () => void
  items: ReportListItem[]
  /** How many reports the core's filter matched (the list may hold fewer). */
  total: number
  loading: boolean
  error: string | null
}

/**
 * The reports the list shows for a filter, loaded again when a report is created, changed or deleted
 * anywhere (another window, the CLI, the REST API).
 */
export const useReportsList = (filter: ReportListFilter): ReportsListState => {
  const client = useClient()
  const [version, setVersion] = useState(0)
  const serverKey = JSON.stringify([filter.tlp, filter.status, version])
  // The answer and the query it answers: the list is loading while they differ.
  const [state, setState] = useState<
    Omit<ReportsListState, 'loading' | 'reload'> & { key: string }
  >({
    items: [],
    total: 0,
    error: null,
    key: '',
  })

  // Saves made in this window also reload through `reload`, without waiting for the event.
  useEffect(
    () =>
      client.on('intel.onDidChange', (e) => {
        if (e.kind === null || e.kind === 'report') setVersion((v) => v + 1)
      }),
    [client],
  )

  useEffect(() => {
    let live = true
    const timer = window.setTimeout(() => {
      listReports(client, filter).then(
        (page) => {
          if (live) setState({ items: page.items, total: page.total, error: null, key: serverKey })
        },
        (e: unknown) => {
          if (live) setState((s) => ({ ...s, error: errorMessage(e), key: serverKey }))
        },
      )
    }, LOAD_DEBOUNCE_MS)
    return () => {
      live = false
      window.clearTimeout(timer)
    }
    // The core is asked again for what it filters on (TLP, status), not for text or severity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, serverKey])

  const items = useMemo(
    () => state.items.filter((r) => reportMatches(r, filter)),
    [state.items, filter],
  )
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  return {
    items,
    total: state.total,
    error: state.error,
    loading: state.key !== serverKey,
    reload,
  }
}
