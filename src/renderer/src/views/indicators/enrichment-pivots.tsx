import { useEffect, useState } from 'react'
import type { Out } from '#shared/contract'
import type { Indicator } from '#shared/contract/indicators.contract'
import type { PivotKind } from '#shared/contract/enrichment.schemas'
import { defang } from '#shared/domain'
import { errorMessage } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { ScoreMeter, TlpBadge } from '../../components/badges'
import { useContractQuery } from '../../hooks/use-contract-query'
import { useIntelNav } from '../intel/intel-nav'
import { PIVOT_EDGE, PIVOT_TEXT, clip } from './enrichment-format'
import { TYPE_LABELS, formatCount } from './format'
import '../../components/observations-list.css'
import './enrichment.css'

/** Peers listed per page under an open pivot. */
export const PIVOT_PAGE_SIZE = 25
/** Peers "Open in graph" places around the indicator: enough to see the cluster, few enough to read. */
export const PIVOT_GRAPH_MAX = 200

type PivotCenter = Pick<Indicator, 'id' | 'type' | 'value' | 'tlp' | 'score'>
type Pivot = Out<'enrichment.pivots'>['items'][number]
type PivotPage = Out<'enrichment.pivot'>

/** The peers sharing one key, a page at a time; a value opens its detail, "Open in graph" the cluster. */
const PivotPeers = (props: { indicator: PivotCenter; pivot: Pivot }) => {
  const client = useClient()
  const { indicators } = useServices()
  const nav = useIntelNav()
  const { indicator, pivot } = props
  const [offset, setOffset] = useState(0)
  const [page, setPage] = useState<PivotPage | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [opening, setOpening] = useState(false)

  useEffect(() => {
    let live = true
    client
      .call('enrichment.pivot', {
        kind: pivot.kind,
        value: pivot.value,
        limit: PIVOT_PAGE_SIZE,
        offset,
      })
      .then(
        (p) => {
          if (!live) return
          setPage(p)
          setError(null)
        },
        (e: unknown) => {
          if (live) setError(errorMessage(e))
        },
      )
    return () => {
      live = false
    }
  }, [client, pivot.kind, pivot.value, offset])

  const openInGraph = async () => {
    setOpening(true)
    try {
      const all = await client.call('enrichment.pivot', {
        kind: pivot.kind,
        value: pivot.value,
        limit: PIVOT_GRAPH_MAX,
        offset: 0,
      })
      nav.openInGraph(indicator.id, {
        center: {
          ref: indicator.id,
          label: indicator.value,
          type: indicator.type,
          tlp: indicator.tlp,
          score: indicator.score,
        },
        edgeType: PIVOT_EDGE[pivot.kind],
        peers: all.items
          .filter((p) => p.id !== indicator.id)
          .map((p) => ({ ref: p.id, label: p.value, type: p.type, tlp: p.tlp, score: p.score })),
        truncated: all.total > all.items.length ? all.total - all.items.length : false,
      })
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setOpening(false)
    }
  }

  const peers = page?.items.filter((p) => p.id !== indicator.id) ?? []
  return (
    <div className="pivot-peers" data-testid="pivot-peers" data-state={page ? 'ready' : 'loading'}>
      {error !== null ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {page !== null && peers.length === 0 ? <p className="muted">No other indicator.</p> : null}
      <ul className="pivot-peer-list">
        {peers.map((p) => (
          <li key={p.id} className="pivot-peer" data-testid="pivot-peer" data-id={p.id}>
            <span className="type-chip">{TYPE_LABELS[p.type]}</span>
            <button
              type="button"
              className="link-button mono pivot-peer-value"
              data-testid="pivot-peer-value"
              onClick={() => indicators.getState().openDetail(p.id)}
            >
              {clip(defang(p.type, p.value), 200)}
            </button>
            <ScoreMeter score={p.score} risk={p.riskLevel} />
            <TlpBadge value={p.tlp} />
          </li>
        ))}
      </ul>
      <div className="pivot-peers-tools">
        {page !== null && page.total > PIVOT_PAGE_SIZE ? (
          <>
            <button
              type="button"
              className="button button-small"
              disabled={offset === 0}
              data-testid="pivot-prev"
              onClick={() => setOffset(Math.max(0, offset - PIVOT_PAGE_SIZE))}
            >
              Previous
            </button>
            <span className="muted" data-testid="pivot-page">
              {formatCount(offset + 1)}–
              {formatCount(Math.min(page.total, offset + PIVOT_PAGE_SIZE))} of{' '}
              {formatCount(page.total)}
            </span>
            <button
              type="button"
              className="button button-small"
              disabled={offset + PIVOT_PAGE_SIZE >= page.total}
              data-testid="pivot-next"
              onClick={() => setOffset(offset + PIVOT_PAGE_SIZE)}
            >
              Next
            </button>
          </>
        ) : null}
        <button
          type="button"
          className="button button-small"
          disabled={opening || peers.length === 0}
          data-testid="pivot-open-graph"
          onClick={() => void openInGraph()}
        >
          Open in graph
        </button>
      </div>
    </div>
  )
}

const pivotKey = (p: { kind: PivotKind; value: string }) => `${p.kind} ${p.value}`

/**
 * What the indicator shares with others through enrichment (enrichment.pivots): the same AS, network range,
 * registrar, resolved address or country, with how many others share it. A click lists them. Hidden when
 * it shares nothing. Keys and labels come from provider answers: text only.
 */
export const EnrichmentPivotsSection = (props: { indicator: PivotCenter }) => {
  const { indicator } = props
  const [open, setOpen] = useState<string | null>(null)
  const { data, error } = useContractQuery(
    'enrichment.pivots',
    { indicatorId: indicator.id },
    indicator.id,
    // Any indicator's enrichment may add a peer to one of these keys; the core batches the events.
    [{ event: 'enrichment.onDidUpdate' }],
  )
  if (error !== null) {
    return (
      <p className="detail-error" role="alert">
        {error}
      </p>
    )
  }
  if (data === null || data.items.length === 0) return null
  return (
    <section
      className="observations enrichment-pivots"
      aria-labelledby={`pivots-${indicator.id}`}
      data-testid="enrichment-pivots"
    >
      <h3 id={`pivots-${indicator.id}`} className="observations-title">
        Pivots
      </h3>
      <ul className="observation-list">
        {data.items.map((p) => {
          const key = pivotKey(p)
          const expanded = open === key
          return (
            <li key={key} className="observation" data-testid="pivot" data-kind={p.kind}>
              <button
                type="button"
                className="link-button pivot-toggle"
                aria-expanded={expanded}
                disabled={p.count === 0}
                data-testid="pivot-toggle"
                onClick={() => setOpen(expanded ? null : key)}
              >
                {PIVOT_TEXT[p.kind]} <span className="mono">{clip(p.label, 200)}</span>:{' '}
                <strong data-testid="pivot-count">{formatCount(p.count)}</strong>
              </button>
              {expanded ? <PivotPeers indicator={indicator} pivot={p} /> : null}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
