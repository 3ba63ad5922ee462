import { useState } from 'react'
import { useStore } from 'zustand'
import {
  TRIAGE_KINDS,
  TRIAGE_STATUSES,
  type TriageFilter,
  type TriageKind,
  type TriageStatus,
} from '#shared/contract/triage.contract'
import type { TriageStore } from '../../stores/triage.store'

const isKind = (v: string): v is TriageKind => (TRIAGE_KINDS as readonly string[]).includes(v)
const isStatus = (v: string): v is TriageStatus =>
  (TRIAGE_STATUSES as readonly string[]).includes(v)

/** The filter without the field `key` (an emptied input removes its filter). */
const without = (f: TriageFilter, key: keyof TriageFilter): TriageFilter => {
  const next = { ...f }
  delete next[key]
  return next
}

/** Filters (applied on change or Enter) and the saved views: pick one, save the current filters. */
export const TriageFilters = (props: { store: TriageStore }) => {
  const { store } = props
  const filter = useStore(store, (s) => s.filter)
  const views = useStore(store, (s) => s.views)
  const total = useStore(store, (s) => s.window.total)
  const selected = useStore(store, (s) => s.selection.size)
  const [viewName, setViewName] = useState('')
  const [q, setQ] = useState(filter.q ?? '')
  const apply = (next: TriageFilter) => store.getState().setFilter(next)
  const text = (key: 'q' | 'tag' | 'assignee', value: string) =>
    apply(value.trim() === '' ? without(filter, key) : { ...filter, [key]: value.trim() })

  return (
    <div className="triage-filters" data-testid="triage-filters">
      <label>
        Kind
        <select
          value={filter.kind ?? ''}
          data-testid="triage-filter-kind"
          onChange={(e) => {
            const v = e.target.value
            apply(isKind(v) ? { ...filter, kind: v } : without(filter, 'kind'))
          }}
        >
          <option value="">All</option>
          {TRIAGE_KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </label>
      <label>
        Status
        <select
          value={filter.status?.[0] ?? ''}
          data-testid="triage-filter-status"
          onChange={(e) => {
            const v = e.target.value
            apply(isStatus(v) ? { ...filter, status: [v] } : without(filter, 'status'))
          }}
        >
          <option value="">All</option>
          {TRIAGE_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Min severity
        <input
          type="number"
          min={0}
          max={100}
          className="narrow"
          data-testid="triage-filter-severity"
          value={filter.minSeverity ?? ''}
          onChange={(e) => {
            const n = Number.parseInt(e.target.value, 10)
            apply(
              Number.isInteger(n) && n >= 0 && n <= 100
                ? { ...filter, minSeverity: n }
                : without(filter, 'minSeverity'),
            )
          }}
        />
      </label>
      <label>
        Tag
        <input
          defaultValue={filter.tag ?? ''}
          key={`tag-${filter.tag ?? ''}`}
          data-testid="triage-filter-tag"
          onKeyDown={(e) => {
            if (e.key === 'Enter') text('tag', e.currentTarget.value)
          }}
        />
      </label>
      <label>
        Assignee
        <input
          defaultValue={filter.assignee ?? ''}
          key={`assignee-${filter.assignee ?? ''}`}
          data-testid="triage-filter-assignee"
          onKeyDown={(e) => {
            if (e.key === 'Enter') text('assignee', e.currentTarget.value)
          }}
        />
      </label>
      <label>
        Words
        <input
          value={q}
          data-testid="triage-filter-q"
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') text('q', q)
          }}
        />
      </label>
      <span className="triage-count" data-testid="triage-total">
        {total === null ? '…' : `${total.toLocaleString()} in queue`}
        {selected > 0 ? `, ${selected} selected` : ''}
      </span>
      <span className="triage-views">
        <select
          aria-label="Saved views"
          data-testid="triage-views"
          value=""
          onChange={(e) => {
            if (e.target.value !== '') store.getState().applyView(e.target.value)
          }}
        >
          <option value="">Saved views…</option>
          {views.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
        <input
          placeholder="Name this view"
          data-testid="triage-view-name"
          value={viewName}
          onChange={(e) => setViewName(e.target.value)}
        />
        <button
          type="button"
          className="button"
          data-testid="triage-view-save"
          disabled={viewName.trim() === ''}
          onClick={() => {
            void store.getState().saveView(viewName.trim())
            setViewName('')
          }}
        >
          Save view
        </button>
      </span>
    </div>
  )
}
