import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useRef, useState } from 'react'
import {
  AUDIT_ENTITIES,
  AUDIT_OPERATIONS,
  type AuditEntity,
  type AuditOperation,
  type AuditVerify,
  type ChangeEntry,
} from '#shared/contract/audit.contract'
import type { Job } from '#shared/contract/jobs.contract'
import { errorMessage } from '../../api/client'
import { runAsJob } from '../../api/follow'
import { EnumSelect } from '../../components/enum-select'
import { useClient } from '../../app-context'
import './activity.css'

const PAGE = 200
const ROW_HEIGHT = 34

type Filter = {
  entity: AuditEntity | ''
  operation: AuditOperation | ''
  since: string
  until: string
}
const NO_FILTER: Filter = { entity: '', operation: '', since: '', until: '' }

// The filters' choices: '' is "All".
const ENTITY_CHOICES: readonly Filter['entity'][] = ['', ...AUDIT_ENTITIES]
const OPERATION_CHOICES: readonly Filter['operation'][] = ['', ...AUDIT_OPERATIONS]
const allWhenEmpty = (v: string): string => (v === '' ? 'All' : v)

/** A verify or export job under way, with how far it got. */
type Working = { what: 'Verifying' | 'Exporting'; done: number; total: number | null }

/** The contract's filter: empty fields left out; the datetime-local inputs are local times. */
const filterInput = (f: Filter) => ({
  ...(f.entity ? { entity: f.entity } : {}),
  ...(f.operation ? { operation: f.operation } : {}),
  ...(f.since ? { since: new Date(f.since).toISOString() } : {}),
  ...(f.until ? { until: new Date(f.until).toISOString() } : {}),
})

/** One line of what changed: before → after per field, or an import's counts. Text only (never HTML). */
export const changeSummary = (e: ChangeEntry): string => {
  const c = e.changes
  if (e.operation === 'import') {
    const n = (k: string) => (typeof c[k] === 'number' ? c[k] : 0)
    return `created ${n('created')}, updated ${n('updated')}, unchanged ${n('unchanged')}`
  }
  return Object.entries(c)
    .map(([k, v]) => {
      if (v !== null && typeof v === 'object' && 'before' in v && 'after' in v) {
        return `${k}: ${JSON.stringify(v.before)} → ${JSON.stringify(v.after)}`
      }
      return `${k}: ${JSON.stringify(v)}`
    })
    .join('; ')
    .slice(0, 400)
}

const download = (content: string, format: 'csv' | 'json') => {
  const blob = new Blob([content], { type: format === 'csv' ? 'text/csv' : 'application/json' })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = `threateye-activity.${format}`
  a.click()
  URL.revokeObjectURL(url)
}

/**
 * The Activity view: the change log, newest first, filtered by entity, action and time. A virtual list over
 * the pages loaded so far; scrolling near the end asks for the next keyset page. Export writes what the
 * filter selects; Verify checks the hash chain.
 */
export const ActivityView = () => {
  const client = useClient()
  const [filter, setFilter] = useState<Filter>(NO_FILTER)
  const [items, setItems] = useState<ChangeEntry[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [verify, setVerify] = useState<AuditVerify | null>(null)
  const [working, setWorking] = useState<Working | null>(null)
  // The filter of the last page that arrived, so a tester can wait for a named state, not for time.
  const [shown, setShown] = useState<string | null>(null)
  const scroller = useRef<HTMLDivElement>(null)

  const load = useCallback(
    async (f: Filter, after: string | null) => {
      setLoading(true)
      try {
        const page = await client.call('audit.list', {
          ...filterInput(f),
          limit: PAGE,
          ...(after ? { cursor: after } : {}),
        })
        setItems((prev) => (after ? [...prev, ...page.items] : page.items))
        setCursor(page.nextCursor)
        setShown(JSON.stringify(filterInput(f)))
        setError(null)
      } catch (e) {
        setError(errorMessage(e))
      } finally {
        setLoading(false)
      }
    },
    [client],
  )

  useEffect(() => {
    void load(filter, null)
  }, [load, filter])

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as documented
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  })
  const rows = virtualizer.getVirtualItems()
  const lastShown = rows[rows.length - 1]?.index ?? 0
  useEffect(() => {
    if (cursor && !loading && lastShown >= items.length - 20) void load(filter, cursor)
  }, [cursor, loading, lastShown, items.length, load, filter])

  const set = (patch: Partial<Filter>) => setFilter((f) => ({ ...f, ...patch }))

  // Both scan the whole log: they run as jobs, followed with their progress, not as one long request.
  const progressOf = (what: Working['what']) => (job: Job) =>
    setWorking({ what, done: job.progress.done, total: job.progress.total })

  const runExport = async (format: 'csv' | 'json') => {
    setWorking({ what: 'Exporting', done: 0, total: null })
    try {
      const r = await runAsJob(
        client,
        'audit.export',
        { ...filterInput(filter), format },
        progressOf('Exporting'),
      )
      download(r.content, format)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setWorking(null)
    }
  }

  const runVerify = async () => {
    // The old verdict goes first: a result on screen is always the answer to the latest check.
    setVerify(null)
    setWorking({ what: 'Verifying', done: 0, total: null })
    try {
      setVerify(await runAsJob(client, 'audit.verify', {}, progressOf('Verifying')))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setWorking(null)
    }
  }

  return (
    <section
      className="activity-view"
      data-testid="activity-view"
      aria-label="Activity"
      data-state={loading ? 'loading' : 'ready'}
      data-query={shown ?? undefined}
    >
      <header className="view-header">
        <h1>Activity</h1>
        <div className="view-header-actions">
          <button
            type="button"
            onClick={() => void runVerify()}
            disabled={working !== null}
            data-testid="activity-verify"
          >
            Verify
          </button>
          <button
            type="button"
            onClick={() => void runExport('csv')}
            disabled={working !== null}
            data-testid="activity-export-csv"
          >
            Export CSV
          </button>
          <button
            type="button"
            onClick={() => void runExport('json')}
            disabled={working !== null}
            data-testid="activity-export-json"
          >
            Export JSON
          </button>
        </div>
      </header>
      <div className="activity-filters" role="search">
        <label>
          Entity
          <EnumSelect
            options={ENTITY_CHOICES}
            value={filter.entity}
            label={allWhenEmpty}
            onChange={(entity) => set({ entity })}
            data-testid="activity-entity"
          />
        </label>
        <label>
          Action
          <EnumSelect
            options={OPERATION_CHOICES}
            value={filter.operation}
            label={allWhenEmpty}
            onChange={(operation) => set({ operation })}
            data-testid="activity-action"
          />
        </label>
        <label>
          From
          <input
            type="datetime-local"
            value={filter.since}
            onChange={(e) => set({ since: e.target.value })}
            data-testid="activity-since"
          />
        </label>
        <label>
          To
          <input
            type="datetime-local"
            value={filter.until}
            onChange={(e) => set({ until: e.target.value })}
            data-testid="activity-until"
          />
        </label>
      </div>
      {working ? (
        <p className="activity-working" data-testid="activity-working" role="status">
          {working.what} the change log…{' '}
          {working.total === null
            ? `${working.done.toLocaleString()} entries`
            : `${working.done.toLocaleString()} of ${working.total.toLocaleString()} entries`}
        </p>
      ) : null}
      {verify ? (
        <p
          className={verify.ok ? 'activity-verify ok' : 'activity-verify broken'}
          data-testid="activity-verify-result"
          role="status"
        >
          {verify.ok
            ? `Change log intact: ${verify.checked} entries verified.`
            : `Change log broken at entry ${verify.brokenAt?.seq ?? '?'} (${verify.brokenAt?.field ?? ''} does not match).`}
        </p>
      ) : null}
      {error ? (
        <p className="activity-error" role="alert">
          {error}
        </p>
      ) : null}
      <div
        ref={scroller}
        className="activity-list"
        role="list"
        aria-label="Changes"
        data-testid="activity-list"
        data-loaded={items.length}
      >
        {items.length === 0 && !loading ? (
          <p className="activity-empty">No changes match.</p>
        ) : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {rows.map((r) => {
            const e = items[r.index]
            return (
              <div
                key={e.seq}
                role="listitem"
                className="activity-row"
                style={{ transform: `translateY(${r.start}px)`, height: ROW_HEIGHT }}
                data-testid="activity-row"
                data-seq={e.seq}
              >
                <span className="activity-time">{new Date(e.at).toLocaleString()}</span>
                <span className="activity-actor" title={`${e.actor} via ${e.transport}`}>
                  {e.actor} · {e.transport}
                </span>
                <span className="activity-op">
                  {e.entity} {e.operation}
                </span>
                <span className="activity-changes" title={changeSummary(e)}>
                  {changeSummary(e)}
                </span>
              </div>
            )
          })}
        </div>
      </div>
    </section>
  )
}
