import { useEffect, useState } from 'react'
import type { Indicator } from '#shared/contract/indicators.contract'
import { defang } from '#shared/domain'
import { errorMessage } from '../../api/client'
import { useServices } from '../../app-context'
import { TYPE_LABELS, formatCount } from '../indicators/format'
import { useIntelNav } from './intel-nav'

const PAGE = 25

type Page = { items: Indicator[]; nextCursor: string | null }

/** The indicators linked to the entity, a page at a time (an actor can have tens of thousands). */
export const IntelLinkedIndicators = (props: { entityId: string; version: string }) => {
  const { client } = useServices()
  const nav = useIntelNav()
  const [page, setPage] = useState<Page | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  const { entityId, version } = props

  useEffect(() => {
    let live = true
    const load = () =>
      client.call('intel.linkedIndicators', { id: entityId, limit: PAGE }).then(
        (r) => {
          if (!live) return
          setPage(r)
          setError(null)
        },
        (e: unknown) => {
          if (live) setError(errorMessage(e))
        },
      )
    void load()
    const off = client.on('intel.onDidChange', (c) => {
      if (c.change === 'relationships' && (c.id === null || c.id === entityId)) void load()
    })
    return () => {
      live = false
      off()
    }
  }, [client, entityId, version])

  const more = async () => {
    if (page?.nextCursor == null) return
    setLoadingMore(true)
    try {
      const r = await client.call('intel.linkedIndicators', {
        id: entityId,
        limit: PAGE,
        cursor: page.nextCursor,
      })
      setPage({ ...r, items: [...page.items, ...r.items] })
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setLoadingMore(false)
    }
  }

  return (
    <section
      className="intel-section"
      aria-label="Linked indicators"
      data-testid="intel-linked-indicators"
      data-count={page?.items.length ?? ''}
    >
      <header className="intel-section-header">
        <h3>Linked indicators</h3>
        <span className="count" data-testid="linked-indicators-count">
          {page === null
            ? '…'
            : `${formatCount(page.items.length)}${page.nextCursor === null ? '' : '+'}`}
        </span>
      </header>
      {error !== null ? <p className="form-error">{error}</p> : null}
      {page !== null && page.items.length === 0 ? (
        <p className="muted">None. Add a relationship to an indicator to link one.</p>
      ) : null}
      <ul className="linked-indicators">
        {page?.items.map((i) => (
          <li key={i.id} data-testid="linked-indicator" data-id={i.id}>
            <span className="type-chip">{TYPE_LABELS[i.type]}</span>
            <button
              type="button"
              className="link-button mono"
              onClick={() => nav.openIndicator(i.id)}
            >
              {defang(i.type, i.value)}
            </button>
            <span className="muted"> score {i.score}</span>
          </li>
        ))}
      </ul>
      {page?.nextCursor != null ? (
        <button
          type="button"
          className="button button-small"
          disabled={loadingMore}
          data-testid="linked-indicators-more"
          onClick={() => void more()}
        >
          {loadingMore ? 'Loading…' : 'Show more'}
        </button>
      ) : null}
    </section>
  )
}
