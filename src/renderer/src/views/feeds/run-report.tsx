import { useEffect, useState } from 'react'
import type { FeedRun, FeedRunDetail } from '#shared/contract/feeds.contract'
import type { IocType } from '#shared/domain/enums'
import { errorMessage } from '../../api/client'
import { useClient } from '../../app-context'
import { Modal } from '../../components/modal'
import { TYPE_LABELS, formatCount } from '../indicators/format'
import {
  clip,
  formatBytes,
  formatDateTimeSeconds,
  formatDuration,
  formatLabel,
} from './feeds-format'
import { RunStatusBadge } from './run-bits'

const TRIGGER_LABELS: Record<FeedRun['trigger'], string> = {
  manual: 'Run now',
  schedule: 'Schedule',
  cli: 'Command line',
  import: 'Import',
}

const typeLabel = (t: string): string =>
  Object.hasOwn(TYPE_LABELS, t) ? TYPE_LABELS[t as IocType] : t

const Stat = (props: { label: string; value: number; name: string }) => (
  <div className="report-stat">
    <strong data-testid={`report-${props.name}`}>{formatCount(props.value)}</strong>
    <span>{props.label}</span>
  </div>
)

/** The numbers of a finished (or running) run. Every value is text: nothing from a feed becomes markup. */
export const RunReport = (props: { run: FeedRun }) => {
  const r = props.run
  const byType = Object.entries(r.byType).sort((a, b) => b[1] - a[1])
  return (
    <div className="run-report" data-testid="run-report" data-status={r.status}>
      <div className="run-report-head">
        <RunStatusBadge status={r.status} />
        <span className="run-source" data-testid="run-source">
          {r.source}
        </span>
        <span className="type-chip">{formatLabel(r.format)}</span>
      </div>
      <dl className="run-meta">
        <div>
          <dt>Started</dt>
          <dd>{formatDateTimeSeconds(r.startedAt)}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>{formatDateTimeSeconds(r.finishedAt)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="report-duration">{formatDuration(r.durationMs)}</dd>
        </div>
        <div>
          <dt>Read</dt>
          <dd data-testid="report-bytes">{formatBytes(r.bytes)}</dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd>{TRIGGER_LABELS[r.trigger]}</dd>
        </div>
      </dl>
      <div className="report report-run">
        <Stat label="rows read" value={r.rows} name="rows" />
        <Stat label="created" value={r.created} name="created" />
        <Stat label="updated" value={r.updated} name="updated" />
        <Stat label="unchanged" value={r.unchanged} name="unchanged" />
        <Stat label="duplicates in feed" value={r.duplicates} name="duplicates" />
        <Stat label="rejected" value={r.rejected} name="rejected" />
        {r.allowlisted > 0 ? (
          <Stat label="allowlisted (false positive)" value={r.allowlisted} name="allowlisted" />
        ) : null}
        {r.objects > 0 ? <Stat label="intel objects" value={r.objects} name="objects" /> : null}
      </div>
      {byType.length > 0 ? (
        <div className="by-type" data-testid="report-by-type">
          <span className="muted">By type:</span>
          {byType.map(([type, n]) => (
            <span key={type} className="by-type-item" data-type={type}>
              <span className="type-chip">{typeLabel(type)}</span> {formatCount(n)}
            </span>
          ))}
        </div>
      ) : null}
      {r.error ? (
        <div className="run-error" role="alert">
          <strong>Error</strong>
          <pre data-testid="report-error">{clip(r.error, 4000)}</pre>
        </div>
      ) : null}
    </div>
  )
}

/** Rejected records as the source had them: line (or record number), the value and why it was refused. */
export const RejectList = (props: { run: FeedRunDetail }) => {
  const { rejects, rejected } = props.run
  if (rejected === 0) return <p className="muted">No rejected records.</p>
  return (
    <section className="rejects" aria-label="Rejected records">
      <h3>
        Rejected records{' '}
        <span className="muted">
          {rejects.length < rejected
            ? `(first ${formatCount(rejects.length)} of ${formatCount(rejected)})`
            : `(${formatCount(rejected)})`}
        </span>
      </h3>
      <ul className="preview-list preview-rejects reject-table" data-testid="reject-list">
        {rejects.map((r, i) => (
          <li key={`${r.line}-${i}`} data-testid="reject-item" data-line={r.line}>
            <span className="reject-line">line {r.line}</span>
            <span className="mono reject-value">
              {r.value === '' ? '(empty)' : clip(r.value, 500)}
            </span>
            <span className="reject-reason">{clip(r.reason, 500)}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** Records the run kept but changed on the way in (a STIX object's cut description), with why. */
export const NoteList = (props: { run: FeedRunDetail }) => {
  const { notes } = props.run
  if (notes.length === 0) return null
  return (
    <section className="rejects" aria-label="Notes">
      <h3>
        Kept with changes <span className="muted">({formatCount(notes.length)})</span>
      </h3>
      <ul className="preview-list reject-table" data-testid="note-list">
        {notes.map((n, i) => (
          <li key={`${n.line}-${i}`} data-testid="note-item" data-line={n.line}>
            <span className="reject-line">line {n.line}</span>
            <span className="reject-reason">{clip(n.message, 500)}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** What became of the records a run kept changed or refused: its notes, then its rejects. */
export const RunOutcome = (props: { run: FeedRunDetail }) => (
  <>
    <NoteList run={props.run} />
    <RejectList run={props.run} />
  </>
)

/** Loads one run with its rejects; `initial` shows the counts at once while the rejects load. */
export const useRunDetail = (runId: string, version = 0) => {
  const client = useClient()
  const [detail, setDetail] = useState<FeedRunDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    client.call('feeds.getRun', { id: runId }).then(
      (d) => {
        if (live) setDetail(d)
      },
      (e: unknown) => {
        if (live) setError(errorMessage(e))
      },
    )
    return () => {
      live = false
    }
  }, [client, runId, version])
  return { detail, error }
}

export const RunDetailDialog = (props: { runId: string; version: number; onClose: () => void }) => {
  const { detail, error } = useRunDetail(props.runId, props.version)
  return (
    <Modal
      title="Run report"
      onClose={props.onClose}
      size="large"
      testId="run-detail"
      footer={
        <button type="button" className="button" onClick={props.onClose} data-autofocus>
          Close
        </button>
      }
    >
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {!detail && !error ? <p className="muted">Loading…</p> : null}
      {detail ? (
        <div data-testid="run-detail-body" data-run-id={detail.id}>
          <RunReport run={detail} />
          <RunOutcome run={detail} />
        </div>
      ) : null}
    </Modal>
  )
}
