import { useEffect, useState } from 'react'
import type { IntelRefKind } from '#shared/contract/intel.schemas'
import { defang } from '#shared/domain'
import { IOC_TYPES, TLP_LEVELS, type Tlp } from '#shared/domain/enums'
import { errorMessage } from '../../api/client'
import { useClient, useIndicators, useServices } from '../../app-context'
import { TlpBadge } from '../../components/badges'
import { attachOutcome, cleanIndicatorFilter, describeIndicatorFilter } from './attach-model'
import {
  ATTACHABLE_ENTITY_KINDS,
  KIND_LABELS,
  OBJECTS_PAGE,
  attachToReport,
  countIndicators,
  detachFromReport,
  searchObjects,
  type ObjectNode,
} from './reports-api'
import { useReportObjects } from './use-report-objects'

const SEARCH_DEBOUNCE_MS = 250

/** Indicator values are shown defanged, as in the Indicators table: a report is read and copied from. */
const shownLabel = (n: ObjectNode): string => {
  if (n.kind !== 'indicator') return n.label
  const type = IOC_TYPES.find((t) => t === n.type)
  return type === undefined ? n.label : defang(type, n.label)
}

const ObjectRow = (props: { node: ObjectNode; action: React.ReactNode }) => {
  const n = props.node
  const label = shownLabel(n)
  return (
    <li className="object-row" data-testid="object-row" data-ref={n.ref} data-kind={n.kind}>
      <span className="object-kind">
        {n.kind === 'indicator' ? (n.type ?? 'indicator') : KIND_LABELS[n.kind]}
      </span>
      <span className="object-label" title={label}>
        {label}
      </span>
      <TlpBadge value={n.tlp} />
      {props.action}
    </li>
  )
}

type SearchScope = 'indicators' | 'entities'
const SCOPE_KINDS: Record<SearchScope, readonly IntelRefKind[]> = {
  indicators: ['indicator'],
  entities: ATTACHABLE_ENTITY_KINDS,
}

/** Find indicators by value, or actors, campaigns, vulnerabilities and malware by name or alias. */
const AttachSearch = (props: {
  scope: SearchScope
  attached: ReadonlySet<string>
  onAttach: (nodes: ObjectNode[]) => Promise<void>
}) => {
  const client = useClient()
  const [q, setQ] = useState('')
  // The last answer and the text it answers; hits for an older text stay shown until the new ones come.
  const [answer, setAnswer] = useState<{ q: string; hits: ObjectNode[]; error: string | null }>({
    q: '',
    hits: [],
    error: null,
  })
  const text = q.trim()
  const state = text === '' ? 'idle' : answer.q === text ? 'ready' : 'searching'
  const hits = text === '' ? [] : answer.hits
  const error = answer.q === text ? answer.error : null

  useEffect(() => {
    if (text === '') return
    let live = true
    const timer = window.setTimeout(() => {
      searchObjects(client, text, SCOPE_KINDS[props.scope]).then(
        (items) => {
          if (live) setAnswer({ q: text, hits: items, error: null })
        },
        (e: unknown) => {
          if (live) setAnswer({ q: text, hits: [], error: errorMessage(e) })
        },
      )
    }, SEARCH_DEBOUNCE_MS)
    return () => {
      live = false
      window.clearTimeout(timer)
    }
  }, [client, text, props.scope])

  const fresh = hits.filter((h) => !props.attached.has(h.ref))
  return (
    <div className="attach-search" data-testid={`attach-search-${props.scope}`} data-state={state}>
      <div className="attach-search-bar">
        <input
          type="search"
          value={q}
          maxLength={300}
          placeholder={
            props.scope === 'indicators'
              ? 'Search indicators by value'
              : 'Search actors, campaigns, vulnerabilities, malware'
          }
          aria-label={props.scope === 'indicators' ? 'Search indicators' : 'Search entities'}
          data-testid={`attach-search-input-${props.scope}`}
          onChange={(e) => setQ(e.target.value)}
        />
        {fresh.length > 1 ? (
          <button
            type="button"
            className="button button-small"
            data-testid={`attach-all-hits-${props.scope}`}
            onClick={() => void props.onAttach(fresh)}
          >
            Attach all {fresh.length}
          </button>
        ) : null}
      </div>
      {error !== null ? <p className="field-error">{error}</p> : null}
      {state === 'ready' && hits.length === 0 && error === null ? (
        <p className="attach-none">Nothing found.</p>
      ) : null}
      <ul className="object-rows">
        {hits.map((h) => (
          <ObjectRow
            key={h.ref}
            node={h}
            action={
              props.attached.has(h.ref) ? (
                <span className="object-attached">In the report</span>
              ) : (
                <button
                  type="button"
                  className="button button-small"
                  data-testid="attach-hit"
                  onClick={() => void props.onAttach([h])}
                >
                  Attach
                </button>
              )
            }
          />
        ))}
      </ul>
    </div>
  )
}

/** "Attach all N matching" the Indicators view's current filter, the count asked for and shown first. */
const AttachFromFilter = (props: { onAttachFilter: () => Promise<void> }) => {
  const client = useClient()
  const filter = useIndicators((s) => s.filter)
  const key = JSON.stringify(cleanIndicatorFilter(filter))
  // The count and the filter it counts: a count for another filter is not shown.
  const [counted, setCounted] = useState<{
    key: string
    count: number | null
    error: string | null
  }>({ key: '', count: null, error: null })
  const count = counted.key === key ? counted.count : null
  const error = counted.key === key ? counted.error : null

  useEffect(() => {
    let live = true
    countIndicators(client, cleanIndicatorFilter(filter)).then(
      (n) => {
        if (live) setCounted({ key, count: n, error: null })
      },
      (e: unknown) => {
        if (live) setCounted({ key, count: null, error: errorMessage(e) })
      },
    )
    return () => {
      live = false
    }
    // `key` is the filter's identity; the object itself changes on every store update.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, key])

  return (
    <div className="attach-filter" data-testid="attach-filter" data-count={count ?? ''}>
      <p>
        The Indicators view's filter: <strong>{describeIndicatorFilter(filter)}</strong>
      </p>
      {error !== null ? <p className="field-error">{error}</p> : null}
      <button
        type="button"
        className="button button-small"
        disabled={count === null || count === 0}
        data-testid="attach-filter-button"
        onClick={() => void props.onAttachFilter()}
      >
        {count === null ? 'Counting…' : `Attach all ${count.toLocaleString('en')} matching`}
      </button>
    </div>
  )
}

/** What the report contains, with remove, and the three ways to add to it. */
export const ReportAttachments = (props: {
  reportId: string
  reportName: string
  reportTlp: Tlp
}) => {
  const client = useClient()
  const { ui, indicators } = useServices()
  const objects = useReportObjects(props.reportId)
  const [adding, setAdding] = useState<'indicators' | 'filter' | 'entities' | null>(null)
  const attached = new Set([...objects.indicators, ...objects.entities].map((o) => o.ref))
  const limit = TLP_LEVELS.indexOf(props.reportTlp)
  const stricter = [...objects.indicators, ...objects.entities].filter(
    (o) => TLP_LEVELS.indexOf(o.tlp) > limit,
  ).length

  const run = async (what: Parameters<typeof attachToReport>[2]) => {
    try {
      const result = await attachToReport(client, props.reportId, what)
      ui.getState().toast('success', attachOutcome(result, props.reportName))
      objects.reload()
    } catch (e) {
      ui.getState().toast('error', `Could not attach: ${errorMessage(e)}`)
    }
  }

  const attachNodes = (nodes: ObjectNode[]) => {
    const indicatorIds = nodes.filter((n) => n.kind === 'indicator').map((n) => n.ref)
    const entityIds = nodes.filter((n) => n.kind !== 'indicator').map((n) => n.ref)
    return run({
      ...(indicatorIds.length > 0 ? { indicatorIds } : {}),
      ...(entityIds.length > 0 ? { entityIds } : {}),
    })
  }

  const remove = async (node: ObjectNode) => {
    try {
      await detachFromReport(client, props.reportId, [node.ref])
      objects.reload()
    } catch (e) {
      ui.getState().toast('error', `Could not remove: ${errorMessage(e)}`)
    }
  }

  const removeButton = (node: ObjectNode) => (
    <button
      type="button"
      className="link-button"
      aria-label={`Remove ${node.label} from the report`}
      data-testid="detach-object"
      onClick={() => void remove(node)}
    >
      Remove
    </button>
  )

  return (
    <section
      className="report-attachments"
      aria-label="What the report contains"
      data-testid="report-attachments"
      data-state={objects.loading ? 'loading' : 'ready'}
      data-indicators={objects.indicatorTotal}
      data-entities={objects.entityTotal}
    >
      <div className="attach-actions" role="group" aria-label="Attach">
        <span>Attach:</span>
        {(['indicators', 'filter', 'entities'] as const).map((a) => (
          <button
            key={a}
            type="button"
            className={`button button-small${adding === a ? ' active' : ''}`}
            aria-pressed={adding === a}
            data-testid={`attach-mode-${a}`}
            onClick={() => setAdding(adding === a ? null : a)}
          >
            {a === 'indicators'
              ? 'Indicators by search'
              : a === 'filter'
                ? "Indicators view's filter"
                : 'Entities by search'}
          </button>
        ))}
      </div>
      {adding === 'indicators' || adding === 'entities' ? (
        <AttachSearch scope={adding} attached={attached} onAttach={attachNodes} />
      ) : null}
      {adding === 'filter' ? (
        <AttachFromFilter
          onAttachFilter={() => run({ filter: cleanIndicatorFilter(indicators.getState().filter) })}
        />
      ) : null}
      {stricter > 0 ? (
        <p className="report-tlp-note" role="note" data-testid="report-tlp-note">
          {stricter === 1 ? '1 attached item is' : `${stricter} attached items are`} marked stricter
          than this report's TLP:{props.reportTlp.toUpperCase()}: share the report as their marking
          allows, or raise its TLP.
        </p>
      ) : null}
      {objects.error !== null ? (
        <p className="load-error" role="alert">
          {objects.error}
        </p>
      ) : null}
      <div className="attached-columns">
        <div className="attached" data-testid="attached-indicators">
          <h3>
            Indicators <span className="count">{objects.indicatorTotal.toLocaleString('en')}</span>
          </h3>
          {objects.indicatorTotal === 0 && !objects.loading ? (
            <p className="attach-none">None yet.</p>
          ) : null}
          <ul className="object-rows">
            {objects.indicators.map((n) => (
              <ObjectRow key={n.ref} node={n} action={removeButton(n)} />
            ))}
          </ul>
          {objects.indicatorCursor !== null ? (
            <button type="button" className="link-button" onClick={objects.loadMoreIndicators}>
              Show more ({(objects.indicatorTotal - objects.indicators.length).toLocaleString('en')}{' '}
              not shown)
            </button>
          ) : null}
        </div>
        <div className="attached" data-testid="attached-entities">
          <h3>
            Entities <span className="count">{objects.entityTotal.toLocaleString('en')}</span>
          </h3>
          {objects.entityTotal === 0 && !objects.loading ? (
            <p className="attach-none">None yet.</p>
          ) : null}
          <ul className="object-rows">
            {objects.entities.map((n) => (
              <ObjectRow key={n.ref} node={n} action={removeButton(n)} />
            ))}
          </ul>
          {objects.entitiesTruncated ? (
            <p className="attach-none">The first {OBJECTS_PAGE} of each kind are shown.</p>
          ) : null}
        </div>
      </div>
    </section>
  )
}
