import { useCallback, useEffect, useState } from 'react'
import type { IntelRefKind } from '#shared/contract/intel.schemas'
import { errorMessage } from '../../api/client'
import { useClient } from '../../app-context'
import { ATTACHABLE_ENTITY_KINDS, reportObjects, type ObjectNode } from './reports-api'

export type ReportObjects = {
  indicators: ObjectNode[]
  indicatorTotal: number
  indicatorCursor: string | null
  entities: ObjectNode[]
  entityTotal: number
  /** Some entity kind has more than one page: the list shows the first of each. */
  entitiesTruncated: boolean
  loading: boolean
  error: string | null
}

const EMPTY: ReportObjects = {
  indicators: [],
  indicatorTotal: 0,
  indicatorCursor: null,
  entities: [],
  entityTotal: 0,
  entitiesTruncated: false,
  loading: true,
  error: null,
}

/**
 * What a report contains: its indicators (paged, a report may hold many) and its entities (the first page
 * of each kind), loaded again whenever the report's contents change, here or elsewhere.
 */
export const useReportObjects = (
  reportId: string,
): ReportObjects & { reload: () => void; loadMoreIndicators: () => void } => {
  const client = useClient()
  const [state, setState] = useState<ReportObjects>(EMPTY)
  const [version, setVersion] = useState(0)
  const reload = useCallback(() => setVersion((v) => v + 1), [])

  useEffect(
    () =>
      client.on('intel.onDidChange', (e) => {
        if (e.id === reportId && e.change === 'report-objects') reload()
      }),
    [client, reportId, reload],
  )

  useEffect(() => {
    let live = true
    const kinds: readonly IntelRefKind[] = ATTACHABLE_ENTITY_KINDS
    Promise.all([
      reportObjects(client, reportId, 'indicator'),
      ...kinds.map((k) => reportObjects(client, reportId, k)),
    ]).then(
      ([indicators, ...entities]) => {
        if (!live || indicators === undefined) return
        setState({
          indicators: indicators.items,
          indicatorTotal: indicators.total,
          indicatorCursor: indicators.nextCursor,
          entities: entities.flatMap((p) => p.items),
          entityTotal: entities.reduce((n, p) => n + p.total, 0),
          entitiesTruncated: entities.some((p) => p.nextCursor !== null),
          loading: false,
          error: null,
        })
      },
      (e: unknown) => {
        if (live) setState((s) => ({ ...s, loading: false, error: errorMessage(e) }))
      },
    )
    return () => {
      live = false
    }
  }, [client, reportId, version])

  const loadMoreIndicators = () => {
    const cursor = state.indicatorCursor
    if (cursor === null) return
    reportObjects(client, reportId, 'indicator', cursor).then(
      (page) =>
        setState((s) =>
          s.indicatorCursor === cursor
            ? {
                ...s,
                indicators: [...s.indicators, ...page.items],
                indicatorCursor: page.nextCursor,
              }
            : s,
        ),
      (e: unknown) => setState((s) => ({ ...s, error: errorMessage(e) })),
    )
  }

  return { ...state, reload, loadMoreIndicators }
}
