import { useState } from 'react'
import type { Feed } from '#shared/contract/feeds.contract'
import { TlpBadge, TagList } from '../../components/badges'
import { ConfirmDialog } from '../../components/modal'
import { formatDateTime } from '../indicators/format'
import { useFeeds, useFeedsStore } from './feeds-context'
import { FORMAT_LABELS, clip, formatDuration } from './feeds-format'
import { RunCountsLine, RunProgressBar, RunStatusBadge } from './run-bits'
import { RunDetailDialog } from './run-report'

const AUTH_TEXT: Record<Feed['authKind'], string> = {
  none: '',
  header: 'auth configured (API-key header)',
  basic: 'auth configured (basic)',
  url: 'auth configured (key in URL)',
}

/** The configured feeds: what each reads, when, and what its last run did; run, cancel, edit, delete. */
export const FeedList = (props: {
  onEdit: (feed: Feed) => void
  onHistory: (feedId: string) => void
  onAdd: () => void
}) => {
  const feeds = useFeeds((s) => s.feeds)
  const loadError = useFeeds((s) => s.loadError)
  const store = useFeedsStore()
  const runsVersion = useFeeds((s) => s.runsVersion)
  const [confirm, setConfirm] = useState<Feed | null>(null)
  const [openRun, setOpenRun] = useState<string | null>(null)

  if (loadError && !feeds)
    return (
      <p className="form-error" role="alert">
        Could not load the feeds: {loadError}{' '}
        <button
          type="button"
          className="link-button"
          onClick={() => void store.getState().reload()}
        >
          Retry
        </button>
      </p>
    )
  if (!feeds) return <p className="muted">Loading feeds…</p>
  return (
    <section className="feeds-section" aria-labelledby="feed-list-title">
      <div className="section-header">
        <h2 id="feed-list-title">Your feeds</h2>
        <span className="count" data-testid="feed-count">
          {feeds.length === 1 ? '1 feed' : `${feeds.length} feeds`}
        </span>
      </div>
      {feeds.length === 0 ? (
        <div className="feeds-empty" data-testid="feeds-empty">
          <p>No feeds yet. Add one from the catalogue below, or configure your own.</p>
          <button type="button" className="button button-primary" onClick={props.onAdd}>
            Add a feed
          </button>
        </div>
      ) : (
        <ul className="feed-list" data-testid="feed-list">
          {feeds.map((f) => (
            <FeedRow
              key={f.id}
              feed={f}
              onEdit={() => props.onEdit(f)}
              onHistory={() => props.onHistory(f.id)}
              onDelete={() => setConfirm(f)}
              onOpenRun={setOpenRun}
            />
          ))}
        </ul>
      )}
      {confirm ? (
        <ConfirmDialog
          title="Delete feed?"
          message={`This deletes ${confirm.name} with its run history and what it reported (its observations). Indicators stay.`}
          confirmLabel="Delete feed"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            void store.getState().remove(confirm.id)
            setConfirm(null)
          }}
        />
      ) : null}
      {openRun ? (
        <RunDetailDialog runId={openRun} version={runsVersion} onClose={() => setOpenRun(null)} />
      ) : null}
    </section>
  )
}

const FeedRow = (props: {
  feed: Feed
  onEdit: () => void
  onHistory: () => void
  onDelete: () => void
  onOpenRun: (runId: string) => void
}) => {
  const f = props.feed
  const store = useFeedsStore()
  const activeRunId = useFeeds((s) => s.activeRuns[f.id] ?? null)
  const progress = useFeeds((s) => (activeRunId ? (s.progress[activeRunId] ?? null) : null))
  const running = activeRunId !== null
  const last = f.lastRun && !(running && f.lastRun.id === activeRunId) ? f.lastRun : null
  const source = f.url ?? f.path ?? ''

  return (
    <li
      className="feed-row"
      data-testid="feed-row"
      data-feed-id={f.id}
      data-name={f.name}
      data-running={running}
      data-last-status={f.lastRun?.status ?? 'never'}
    >
      <div className="feed-main">
        <div className="feed-title">
          <h3 data-testid="feed-name">{f.name}</h3>
          <span className="type-chip" data-testid="feed-format">
            {FORMAT_LABELS[f.format]}
          </span>
          <TlpBadge value={f.defaultTlp} />
          <span className="reliability" title="Source reliability (Admiralty A-F)">
            {f.reliability}
          </span>
          {f.hasAuth ? (
            <span className="auth-flag" data-testid="feed-auth">
              {AUTH_TEXT[f.authKind]}
            </span>
          ) : null}
        </div>
        <div className="mono feed-source" data-testid="feed-source" title={clip(source, 500)}>
          {clip(source, 300)}
        </div>
        <div className="feed-schedule muted">
          {f.schedule ? (
            <>
              <span className="mono" data-testid="feed-schedule">
                {f.schedule}
              </span>
              {f.enabled && f.nextRunAt ? <span> · next {formatDateTime(f.nextRunAt)}</span> : null}
            </>
          ) : (
            <span data-testid="feed-schedule">Manual only</span>
          )}
          {f.tags.length > 0 ? <TagList tags={f.tags} max={4} /> : null}
        </div>
      </div>
      <div className="feed-last">
        {running ? (
          <RunProgressBar progress={progress} label={`Progress of ${f.name}`} />
        ) : last ? (
          <button
            type="button"
            className="last-run"
            data-testid="last-run"
            data-run-id={last.id}
            title="Open the run report"
            onClick={() => props.onOpenRun(last.id)}
          >
            <span className="last-run-head">
              <RunStatusBadge status={last.status} />
              <span className="muted">
                {formatDateTime(last.finishedAt ?? last.startedAt)} ·{' '}
                {formatDuration(last.durationMs)}
              </span>
            </span>
            <RunCountsLine run={last} />
            {last.error ? (
              <span
                className={last.status === 'cancelled' ? 'last-run-error muted' : 'last-run-error'}
                data-testid="last-run-error"
                title={clip(last.error, 1000)}
              >
                {clip(last.error, 200)}
              </span>
            ) : null}
          </button>
        ) : (
          <span className="muted">Never run</span>
        )}
      </div>
      <div className="feed-actions">
        <label className="switch" title={f.enabled ? 'Enabled: runs on its schedule' : 'Disabled'}>
          <input
            type="checkbox"
            role="switch"
            checked={f.enabled}
            aria-label={`${f.name} enabled`}
            data-testid="feed-enabled"
            onChange={(e) => void store.getState().setEnabled(f, e.target.checked)}
          />
          <span className="switch-track" aria-hidden="true" />
          <span className="switch-label">{f.enabled ? 'On' : 'Off'}</span>
        </label>
        {running ? (
          <button
            type="button"
            className="button button-small"
            data-testid="feed-cancel"
            onClick={() => activeRunId && void store.getState().cancel(activeRunId)}
          >
            Cancel
          </button>
        ) : (
          <button
            type="button"
            className="button button-small button-primary"
            data-testid="feed-run"
            onClick={() => void store.getState().runNow(f.id)}
          >
            Run now
          </button>
        )}
        <button
          type="button"
          className="button button-small"
          data-testid="feed-history"
          onClick={props.onHistory}
        >
          History
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="feed-edit"
          onClick={props.onEdit}
        >
          Edit
        </button>
        <button
          type="button"
          className="button button-small button-danger-quiet"
          data-testid="feed-delete"
          onClick={props.onDelete}
        >
          Delete
        </button>
      </div>
    </li>
  )
}
