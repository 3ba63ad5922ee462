import { useEffect, useState, type ReactNode } from 'react'
import type { Observation } from '#shared/contract/feeds.contract'
import { errorMessage } from '../api/client'
import { useClient, useServices } from '../app-context'
import { formatCount, formatDateTime } from '../views/indicators/format'
import { ClassificationBadge, SeverityBadge, TagList, TlpBadge } from './badges'
import './observations-list.css'

/** Sources listed at once; the heading always carries the full count. */
const LIMIT = 50
/** Everything here came from a feed: cut long fields so one hostile record cannot flood the panel. */
const MAX_FIELD_CHARS = 2000
const MAX_RAW_CHARS = 8000

const clip = (s: string, max = MAX_FIELD_CHARS): string =>
  s.length > max ? `${s.slice(0, max)}…` : s

type Loaded = { items: Observation[]; total: number }

/**
 * What each source said about one indicator: who reported it, when that source first and last saw it, and
 * its own confidence, threat type, malware, tags and reference. References are shown as copyable text,
 * never as links: the app opens no remote content.
 */
export const ObservationsList = (props: { indicatorId: string }) => {
  const client = useClient()
  const [data, setData] = useState<Loaded | null>(null)
  const [error, setError] = useState<string | null>(null)
  const { indicatorId } = props

  useEffect(() => {
    let live = true
    let seq = 0
    const load = () => {
      const mine = ++seq
      client.call('observations.list', { indicatorId, limit: LIMIT }).then(
        (d) => {
          if (!live || mine !== seq) return
          setData(d)
          setError(null)
        },
        (e: unknown) => {
          if (live && mine === seq) setError(errorMessage(e))
        },
      )
    }
    load()
    const offs = [
      // Another source may report this indicator while the panel is open (unchanged runs emit no change).
      client.on('feeds.onDidFinishRun', load),
      client.on('feeds.onDidChange', (c) => {
        if (c.kind === 'deleted') load()
      }),
    ]
    return () => {
      live = false
      for (const off of offs) off()
    }
  }, [client, indicatorId])

  return (
    <section
      className="observations"
      aria-labelledby={`obs-${indicatorId}`}
      data-testid="observations"
    >
      <h3 id={`obs-${indicatorId}`} className="observations-title">
        Sources{' '}
        <span className="muted" data-testid="observations-count" data-total={data?.total ?? ''}>
          {data === null
            ? ''
            : data.total === 0
              ? 'not reported by any feed'
              : `seen by ${formatCount(data.total)} ${data.total === 1 ? 'source' : 'sources'}`}
        </span>
      </h3>
      {error ? (
        <p className="detail-error" role="alert">
          {error}
        </p>
      ) : null}
      {data && data.items.length > 0 ? (
        <ul className="observation-list">
          {data.items.map((o) => (
            <ObservationItem key={o.id} o={o} />
          ))}
        </ul>
      ) : null}
      {data && data.total > data.items.length ? (
        <p className="muted">
          Showing the {formatCount(data.items.length)} most recent of {formatCount(data.total)}.
        </p>
      ) : null}
    </section>
  )
}

const Row = (props: { label: string; children: ReactNode; testId?: string }) => (
  <div className="observation-field">
    <dt>{props.label}</dt>
    <dd data-testid={props.testId}>{props.children}</dd>
  </div>
)

const ObservationItem = (props: { o: Observation }) => {
  const { o } = props
  return (
    <li className="observation" data-testid="observation" data-source={o.source}>
      <div className="observation-head">
        <strong className="observation-source" data-testid="observation-source">
          {clip(o.source, 200)}
        </strong>
        {o.feedId === null ? <span className="type-chip">import</span> : null}
        {o.tlp ? <TlpBadge value={o.tlp} /> : null}
        {o.classification ? <ClassificationBadge value={o.classification} /> : null}
        {o.severity ? <SeverityBadge value={o.severity} /> : null}
      </div>
      <dl className="observation-grid">
        <Row label="First seen by source" testId="observation-first-seen">
          {formatDateTime(o.firstSeen)}
        </Row>
        <Row label="Last seen by source" testId="observation-last-seen">
          {formatDateTime(o.lastSeen)}
        </Row>
        <Row label="Confidence" testId="observation-confidence">
          {o.confidence ?? '—'}
        </Row>
        <Row label="Threat type" testId="observation-threat">
          {o.threatType ? clip(o.threatType, 200) : '—'}
        </Row>
        <Row label="Malware" testId="observation-malware">
          {o.malware ? clip(o.malware, 200) : '—'}
        </Row>
        <Row label="Sightings" testId="observation-sightings">
          {formatCount(o.sightings)}
        </Row>
        {o.port !== null ? <Row label="Port">{o.port}</Row> : null}
        {o.eventTitle ? (
          <div className="observation-field observation-wide">
            <dt>Reported in</dt>
            <dd data-testid="observation-event">{clip(o.eventTitle, 1024)}</dd>
          </div>
        ) : null}
        {o.tags.length > 0 ? (
          <div className="observation-field observation-wide">
            <dt>Tags</dt>
            <dd data-testid="observation-tags">
              <TagList tags={o.tags.map((t) => clip(t, 128))} max={20} />
            </dd>
          </div>
        ) : null}
        {o.reference ? (
          <div className="observation-field observation-wide">
            <dt>Reference</dt>
            <dd>
              <CopyableText value={o.reference} label="Copy the reference" />
            </dd>
          </div>
        ) : null}
        {o.description ? (
          <div className="observation-field observation-wide">
            <dt>Description</dt>
            <dd className="prewrap">{clip(o.description)}</dd>
          </div>
        ) : null}
      </dl>
      {o.raw !== null && o.raw !== undefined ? (
        <details className="observation-raw">
          <summary>Record as the source sent it</summary>
          <pre>{clip(JSON.stringify(o.raw, null, 2) ?? '', MAX_RAW_CHARS)}</pre>
        </details>
      ) : null}
    </li>
  )
}

/** A read-only field (select it, or press Copy): the analyst decides where a remote link is opened. */
const CopyableText = (props: { value: string; label: string }) => {
  const { ui } = useServices()
  const [copied, setCopied] = useState(false)
  const value = clip(props.value, 4096)
  return (
    <span className="copyable">
      <input
        className="mono copyable-input"
        readOnly
        value={value}
        aria-label="Reference"
        data-testid="observation-reference"
        onFocus={(e) => e.currentTarget.select()}
      />
      <button
        type="button"
        className="button button-small"
        aria-label={props.label}
        data-testid="copy-reference"
        data-copied={copied}
        onClick={() => {
          navigator.clipboard.writeText(value).then(
            () => {
              setCopied(true)
              window.setTimeout(() => setCopied(false), 1200)
            },
            (e: unknown) => ui.getState().toast('error', `Copy failed: ${errorMessage(e)}`),
          )
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  )
}
