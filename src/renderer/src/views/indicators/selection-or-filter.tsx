import { defang, type IocType } from '#shared/domain'
import type { IndicatorFilter } from '#shared/contract/indicators.contract'
import { describeIndicatorFilter } from '../reports/attach-model'

/** What a dialog of the Indicators view acts on: the selected indicator, or every one the filter matches. */
export type IndicatorSource = 'selection' | 'filter'

/**
 * The choice between the two, shared by "Add to report…" and "Enrich…": the selection shown defanged, the
 * filter's match counted before anything is done (data-count is empty while counting, for tests to wait on).
 * Test ids: `${name}-source-selection`, `${name}-source-filter`, `${name}-filter-count`.
 */
export const SelectionOrFilter = (props: {
  name: string
  legend: string
  className: string
  source: IndicatorSource
  onSource: (source: IndicatorSource) => void
  selected: { type: IocType; value: string } | null
  count: number | null
  filter: IndicatorFilter
}) => {
  const { name, selected, count } = props
  return (
    <fieldset className={props.className}>
      <legend className="visually-hidden">{props.legend}</legend>
      <label>
        <input
          type="radio"
          name={`${name}-source`}
          checked={props.source === 'selection'}
          disabled={selected === null}
          data-testid={`${name}-source-selection`}
          onChange={() => props.onSource('selection')}
        />
        <span>
          The selected indicator
          {selected !== null ? (
            <>
              : <code>{defang(selected.type, selected.value)}</code>
            </>
          ) : (
            ' (none selected)'
          )}
        </span>
      </label>
      <label>
        <input
          type="radio"
          name={`${name}-source`}
          checked={props.source === 'filter'}
          data-testid={`${name}-source-filter`}
          onChange={() => props.onSource('filter')}
        />
        <span data-testid={`${name}-filter-count`} data-count={count ?? ''}>
          {count === null ? 'Counting…' : `All ${count.toLocaleString('en')} matching`} the current
          filter: {describeIndicatorFilter(props.filter)}
        </span>
      </label>
    </fieldset>
  )
}
