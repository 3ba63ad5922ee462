import { useState } from 'react'
import { useStore } from 'zustand'
import type { IntelListItem } from '#shared/contract/intel.contract'
import { AttackIdSchema } from '#shared/contract/intel.schemas'
import { TLP_LEVELS } from '#shared/domain/enums'
import { TlpBadge } from '../../components/badges'
import { formatCount } from '../indicators/format'
import { useProjects } from '../indicators/use-projects'
import { formatDay } from './intel-format'
import { isTlp } from './intel-form-model'
import type { IntelListFilter, IntelViewStore } from './intel.store'

/** The filter without `key` (an emptied input removes its filter). */
const without = (f: IntelListFilter, key: keyof IntelListFilter): IntelListFilter => {
  const next = { ...f }
  delete next[key]
  return next
}

export const IntelFilters = (props: { store: IntelViewStore }) => {
  const { store } = props
  const filter = useStore(store, (s) => s.filter)
  const projects = useProjects()
  const [q, setQ] = useState(filter.q ?? '')
  const [technique, setTechnique] = useState(filter.technique ?? '')
  const techniqueOk = technique.trim() === '' || AttackIdSchema.safeParse(technique).success
  const apply = (next: IntelListFilter) => store.getState().setFilter(next)
  return (
    <form
      className="intel-filters"
      data-testid="intel-filters"
      onSubmit={(e) => {
        e.preventDefault()
        if (!techniqueOk) return
        let next: IntelListFilter = q.trim() === '' ? without(filter, 'q') : { ...filter, q }
        next =
          technique.trim() === ''
            ? without(next, 'technique')
            : { ...next, technique: technique.trim().toUpperCase() }
        apply(next)
      }}
    >
      <input
        type="search"
        aria-label="Search by name or alias"
        placeholder="Name or alias"
        value={q}
        data-testid="intel-filter-q"
        onChange={(e) => setQ(e.target.value)}
      />
      <input
        aria-label="ATT&CK technique"
        placeholder="Technique (T1059)"
        className="narrow"
        value={technique}
        aria-invalid={!techniqueOk}
        title={techniqueOk ? undefined : 'Technique: an ATT&CK id such as T1059 or T1059.001'}
        data-testid="intel-filter-technique"
        onChange={(e) => setTechnique(e.target.value)}
      />
      <select
        aria-label="TLP"
        value={filter.tlp ?? ''}
        data-testid="intel-filter-tlp"
        onChange={(e) => {
          const v = e.target.value
          apply(isTlp(v) ? { ...filter, tlp: v } : without(filter, 'tlp'))
        }}
      >
        <option value="">Any TLP</option>
        {TLP_LEVELS.map((t) => (
          <option key={t} value={t}>
            {t.toUpperCase()}
          </option>
        ))}
      </select>
      <select
        aria-label="Project"
        value={filter.projectId ?? ''}
        data-testid="intel-filter-project"
        onChange={(e) => {
          const v = e.target.value
          apply(v === '' ? without(filter, 'projectId') : { ...filter, projectId: v })
        }}
      >
        <option value="">Any project</option>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      <button type="submit" className="button button-small" data-testid="intel-filter-apply">
        Search
      </button>
    </form>
  )
}

const subtitle = (item: IntelListItem): string => {
  switch (item.kind) {
    case 'threat-actor':
      return [item.details.actorType, item.details.originCountry].filter(Boolean).join(' · ')
    case 'campaign':
      return item.details.objectives.slice(0, 2).join(', ')
    case 'vulnerability':
      return [
        item.details.cveId,
        item.details.cvssScore === null ? null : `CVSS ${item.details.cvssScore}`,
      ]
        .filter(Boolean)
        .join(' · ')
    case 'malware':
      return item.details.malwareTypes.join(', ')
    case 'report':
      return item.details.published ? 'published' : 'draft'
  }
}

/** The current tab's entities, a page at a time ("Show more"), newest change first. */
export const IntelList = (props: { store: IntelViewStore }) => {
  const { store } = props
  const items = useStore(store, (s) => s.items)
  const total = useStore(store, (s) => s.total)
  const nextCursor = useStore(store, (s) => s.nextCursor)
  const loading = useStore(store, (s) => s.loading)
  const selectedId = useStore(store, (s) => s.selectedId)
  return (
    <div className="intel-list-pane">
      <ul className="intel-list" aria-label="Entities" data-testid="intel-list">
        {total === 0 ? (
          <li className="empty" data-testid="intel-empty">
            Nothing here yet.
          </li>
        ) : null}
        {items.map((item) => (
          <li key={item.id}>
            <button
              type="button"
              className={item.id === selectedId ? 'intel-row selected' : 'intel-row'}
              aria-current={item.id === selectedId ? 'true' : undefined}
              data-testid="intel-row"
              data-id={item.id}
              onClick={() => store.getState().select(item.id)}
            >
              <span className="intel-row-name">{item.name}</span>
              <TlpBadge value={item.tlp} />
              <span className="intel-row-sub muted">
                {subtitle(item)}
                {item.aliases.length > 0 ? ` · aka ${item.aliases.slice(0, 3).join(', ')}` : ''}
              </span>
              <span className="intel-row-meta muted">
                {item.techniques.length > 0 ? `${item.techniques.length} techniques · ` : ''}
                {formatDay(item.updatedAt)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {nextCursor !== null ? (
        <button
          type="button"
          className="button button-small intel-more"
          disabled={loading}
          data-testid="intel-more"
          onClick={() => void store.getState().loadMore()}
        >
          {loading
            ? 'Loading…'
            : `Show more (${formatCount(Math.max(0, (total ?? 0) - items.length))} left)`}
        </button>
      ) : null}
    </div>
  )
}
