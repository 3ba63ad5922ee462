import { Suspense, lazy, useState } from 'react'
import type { In } from '#shared/contract'
import { useContractQuery, type ReloadOn } from '../hooks/use-contract-query'
import './world-map-panel.css'

// The shapes, d3-geo and the country names load with the first map shown, not with the app.
const WorldMap = lazy(() => import('./world-map'))

export type WorldMapTarget = In<'enrichment.geoCounts'>['target']

const ENRICHED: ReloadOn = { event: 'enrichment.onDidUpdate' }

/**
 * The world map of a query or a report, loaded from `enrichment.geoCounts` and again when enrichment
 * writes new results (and, for a report, when what it holds changes).
 */
export const WorldMapPanel = (props: { target: WorldMapTarget; caption?: string }) => {
  const { target } = props
  const key = JSON.stringify(target)
  const reportId = target.kind === 'report' ? target.id : null
  const q = useContractQuery(
    'enrichment.geoCounts',
    { target },
    key,
    reportId === null
      ? [ENRICHED]
      : [ENRICHED, { event: 'intel.onDidChange', when: (p) => p.id === reportId }],
  )
  const state = q.error !== null ? 'error' : q.data === null ? 'loading' : 'ready'
  return (
    <section
      className="world-map-panel"
      aria-label="Where the indicators are hosted"
      aria-busy={state === 'loading'}
      data-testid="world-map-panel"
      data-state={state}
      data-target={key}
    >
      {q.error !== null ? (
        <p className="load-error" role="alert">
          Could not load the map: {q.error}{' '}
          <button type="button" className="link-button" onClick={q.reload}>
            Retry
          </button>
        </p>
      ) : q.data === null ? (
        <p className="world-map-loading">Loading the map…</p>
      ) : (
        <Suspense fallback={<p className="world-map-loading">Loading the map…</p>}>
          <WorldMap counts={q.data} caption={props.caption} />
        </Suspense>
      )}
    </section>
  )
}

/** The map behind a disclosure: nothing is loaded until the analyst opens it (a report's page). */
export const WorldMapDisclosure = (props: { target: WorldMapTarget; summary: string }) => {
  const [open, setOpen] = useState(false)
  return (
    <details
      className="world-map-details"
      data-testid="world-map-details"
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary>{props.summary}</summary>
      {open ? <WorldMapPanel target={props.target} /> : null}
    </details>
  )
}
