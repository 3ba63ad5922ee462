import { useState } from 'react'
import type { IndicatorFilter } from '#shared/contract/indicators.contract'
import { CLASSIFICATIONS, IOC_TYPES, SEVERITIES } from '#shared/domain/enums'
import { useIndicators, useServices } from '../../app-context'
import { TYPE_LABELS, capitalise } from './format'
import { useProjects } from './use-projects'

const NO_PROJECT = '__none__'

/** The option the select offers, typed by its own list rather than by a cast. */
const pick = <T extends string>(list: readonly T[], v: string): T[] | undefined => {
  const found = list.find((x) => x === v)
  return found === undefined ? undefined : [found]
}

const boolValue = (v: boolean | undefined) => (v === undefined ? '' : v ? 'yes' : 'no')
const parseBool = (v: string) => (v === '' ? undefined : v === 'yes')

/** Score bounds: typed freely, applied once they are a whole number from 0 to 100. */
const parseScore = (text: string): number | undefined | null => {
  if (text.trim() === '') return undefined
  const n = Number(text)
  return Number.isInteger(n) && n >= 0 && n <= 100 ? n : null
}

const ScoreInput = (props: {
  label: string
  value: number | undefined
  onApply: (v: number | undefined) => void
  testId: string
}) => {
  const [text, setText] = useState(props.value === undefined ? '' : String(props.value))
  const parsed = parseScore(text)
  return (
    <label className="filter filter-score">
      <span>{props.label}</span>
      <input
        type="number"
        min={0}
        max={100}
        value={text}
        aria-invalid={parsed === null}
        data-testid={props.testId}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (parsed !== null && parsed !== props.value) props.onApply(parsed)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && parsed !== null && parsed !== props.value) props.onApply(parsed)
        }}
      />
    </label>
  )
}

export const FiltersBar = () => {
  const { indicators } = useServices()
  const filter = useIndicators((s) => s.filter)
  const projects = useProjects()
  const [tag, setTag] = useState(filter.tag ?? '')
  const urlSeq = useIndicators((s) => s.urlSeq)
  const [seenUrlSeq, setSeenUrlSeq] = useState(urlSeq)
  // Back/forward brought another query: the tag box shows its tag.
  if (seenUrlSeq !== urlSeq) {
    setSeenUrlSeq(urlSeq)
    setTag(filter.tag ?? '')
  }
  const set = (patch: Partial<IndicatorFilter>) => indicators.getState().setFilter(patch)
  const active = Object.entries(filter).filter(([k, v]) => k !== 'q' && v !== undefined).length

  return (
    <div className="filters" role="group" aria-label="Filters" data-testid="filters">
      <label className="filter">
        <span>Type</span>
        <select
          value={filter.types?.[0] ?? ''}
          data-testid="filter-type"
          onChange={(e) => set({ types: pick(IOC_TYPES, e.target.value) })}
        >
          <option value="">All</option>
          {IOC_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_LABELS[t]}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>Classification</span>
        <select
          value={filter.classifications?.[0] ?? ''}
          data-testid="filter-classification"
          onChange={(e) => set({ classifications: pick(CLASSIFICATIONS, e.target.value) })}
        >
          <option value="">All</option>
          {CLASSIFICATIONS.map((c) => (
            <option key={c} value={c}>
              {capitalise(c)}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>Severity</span>
        <select
          value={filter.severities?.[0] ?? ''}
          data-testid="filter-severity"
          onChange={(e) => set({ severities: pick(SEVERITIES, e.target.value) })}
        >
          <option value="">All</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {capitalise(s)}
            </option>
          ))}
        </select>
      </label>
      <ScoreInput
        key={`min-${filter.scoreMin ?? ''}`}
        label="Score ≥"
        value={filter.scoreMin}
        testId="filter-score-min"
        onApply={(v) => set({ scoreMin: v })}
      />
      <ScoreInput
        key={`max-${filter.scoreMax ?? ''}`}
        label="≤"
        value={filter.scoreMax}
        testId="filter-score-max"
        onApply={(v) => set({ scoreMax: v })}
      />
      <label className="filter">
        <span>Tag</span>
        <input
          type="text"
          value={tag}
          maxLength={128}
          placeholder="any"
          data-testid="filter-tag"
          onChange={(e) => setTag(e.target.value)}
          onBlur={() => set({ tag: tag.trim() || undefined })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') set({ tag: tag.trim() || undefined })
          }}
        />
      </label>
      <label className="filter">
        <span>Active</span>
        <select
          value={boolValue(filter.active)}
          data-testid="filter-active"
          onChange={(e) => set({ active: parseBool(e.target.value) })}
        >
          <option value="">Any</option>
          <option value="yes">Active</option>
          <option value="no">Inactive</option>
        </select>
      </label>
      <label className="filter">
        <span>False positive</span>
        <select
          value={boolValue(filter.falsePositive)}
          data-testid="filter-fp"
          onChange={(e) => set({ falsePositive: parseBool(e.target.value) })}
        >
          <option value="">Any</option>
          <option value="yes">Only FP</option>
          <option value="no">Not FP</option>
        </select>
      </label>
      <label className="filter">
        <span>Project</span>
        <select
          value={filter.projectId === null ? NO_PROJECT : (filter.projectId ?? '')}
          data-testid="filter-project"
          onChange={(e) =>
            set({
              projectId:
                e.target.value === ''
                  ? undefined
                  : e.target.value === NO_PROJECT
                    ? null
                    : e.target.value,
            })
          }
        >
          <option value="">All</option>
          <option value={NO_PROJECT}>No project</option>
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      {active > 0 ? (
        <button
          type="button"
          className="link-button"
          data-testid="clear-filters"
          onClick={() => {
            setTag('')
            indicators.getState().clearFilters()
          }}
        >
          Clear filters ({active})
        </button>
      ) : null}
    </div>
  )
}
