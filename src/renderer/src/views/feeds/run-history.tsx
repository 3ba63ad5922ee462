import { useEffect, useState } from 'react'
import type { FeedRun } from '#shared/contract/feeds.contract'
import { errorMessage } from '../../api/client'
import { useClient } from '../../app-context'
import { useFeeds } from './feeds-context'
import { formatDateTimeSeconds, formatDuration } from './feeds-format'
import { RunCountsLine, RunStatusBadge } from './run-bits'
import { RunDetailDialog } from './run-report'

const PAGE = 25

type Pages = { items: FeedRun[]; nextCursor: string | null }

/**
 * Run history, newest first, keyset-paged ("Load more" asks for the page after the last cursor). A finished
 * run anywhere reloads the first page, so a run started from the list appears here by itself.
 */
export const RunHistory = (props: {
  feedId: string | null
  onFeedChange(id: string | null): void
}) => {
  const client = useClient()
  const feeds = useFeeds((s) => s.feeds)
  const runsVersion = useFeeds((s) => s.runsVersion)
  const [pages, setPages] = useState<Pages | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  const [openRun, setOpenRun] = useState<string | null>(null)
  const { feedId } = props

  useEffect(() => {
    let live = true
    client.call('feeds.runs', { limit: PAGE, ...(feedId ? { feedId } : {}) }).then(
      (page) => {
        if (!live) return
        setPages({ items: page.items, nextCursor: page.nextCursor })
        setError(null)
      },
      (e: unknown) => {
        if (live) setError(errorMessage(e))
      },
    )
    return () => {
      live = false
    }
  }, [client, feedId, runsVersion])

  const loadMore = async () => {
    if (!pages?.nextCursor) return
    setLoadingMore(true)
    try {
      const page = await client.call('feeds.runs', {
        limit: PAGE,
        cursor: pages.nextCursor,
        ...(feedId ? { feedId } : {}),
      })
      setPages((p) => ({
        items: [
          ...(p?.items ?? []),
          ...page.items.filter((r) => !p?.items.some((x) => x.id === r.id)),
        ],
        nextCursor: page.nextCursor,
      }))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setLoadingMore(false)
    }
  }

  return (
    <section className="feeds-section" aria-labelledby="history-title" data-testid="run-history">
      <div className="section-header">
        <h2 id="history-title">Run history</h2>
        <label className="filter filter-inline">
          <span>Feed</span>
          <select
            value={feedId ?? ''}
            data-testid="history-feed"
            onChange={(e) => props.onFeedChange(e.target.value || null)}
          >
            <option value="">All feeds and imports</option>
            {(feeds ?? []).map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {pages === null && !error ? <p className="muted">Loading…</p> : null}
      {pages && pages.items.length === 0 ? (
        <p className="muted" data-testid="history-empty">
          No runs yet.
        </p>
      ) : null}
      {pages && pages.items.length > 0 ? (
        <ul className="history-list" data-testid="history-list" data-count={pages.items.length}>
          {pages.items.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                className="history-row"
                data-testid="history-row"
                data-run-id={r.id}
                data-status={r.status}
                onClick={() => setOpenRun(r.id)}
              >
                <RunStatusBadge status={r.status} />
                <span className="history-source">{r.source}</span>
                <span className="muted history-time">{formatDateTimeSeconds(r.startedAt)}</span>
                <span className="muted history-duration">{formatDuration(r.durationMs)}</span>
                <RunCountsLine run={r} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {pages?.nextCursor ? (
        <button
          type="button"
          className="button load-more"
          disabled={loadingMore}
          data-testid="history-more"
          onClick={() => void loadMore()}
        >
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
      {openRun ? (
        <RunDetailDialog runId={openRun} version={runsVersion} onClose={() => setOpenRun(null)} />
      ) : null}
    </section>
  )
}
