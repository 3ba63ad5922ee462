import {
  INDICATOR_SORT_FIELDS,
  IndicatorFilterSchema,
  type IndicatorFilter,
  type IndicatorSort,
} from '#shared/contract/indicators.contract'

/**
 * The indicators view's filter and sort as a query string, so a reload, a bookmark or back/forward shows
 * the same result. The URL is typed by anyone: each parameter is checked with the contract's schema and a
 * bad one is dropped on its own, keeping the good ones.
 */
type Param = {
  key: keyof IndicatorFilter
  name: string
  read: (raw: string) => unknown
  write: (v: unknown) => string | null
}

const list: Pick<Param, 'read' | 'write'> = {
  read: (raw) => raw.split(',').filter((s) => s !== ''),
  write: (v) => (Array.isArray(v) && v.length > 0 ? v.join(',') : null),
}
const text: Pick<Param, 'read' | 'write'> = {
  read: (raw) => raw,
  write: (v) => (typeof v === 'string' && v !== '' ? v : null),
}
const int: Pick<Param, 'read' | 'write'> = {
  read: (raw) => (/^\d+$/.test(raw) ? Number(raw) : raw),
  write: (v) => (typeof v === 'number' ? String(v) : null),
}
const bool: Pick<Param, 'read' | 'write'> = {
  read: (raw) => (raw === 'yes' ? true : raw === 'no' ? false : raw),
  write: (v) => (v === true ? 'yes' : v === false ? 'no' : null),
}
/** `none` is "no project" (null). */
const project: Pick<Param, 'read' | 'write'> = {
  read: (raw) => (raw === 'none' ? null : raw),
  write: (v) => (v === null ? 'none' : typeof v === 'string' ? v : null),
}

const PARAMS: readonly Param[] = [
  { key: 'q', name: 'q', ...text },
  { key: 'types', name: 'type', ...list },
  { key: 'classifications', name: 'class', ...list },
  { key: 'severities', name: 'severity', ...list },
  { key: 'scoreMin', name: 'scoreMin', ...int },
  { key: 'scoreMax', name: 'scoreMax', ...int },
  { key: 'tag', name: 'tag', ...text },
  { key: 'projectId', name: 'project', ...project },
  { key: 'active', name: 'active', ...bool },
  { key: 'falsePositive', name: 'fp', ...bool },
  { key: 'firstSeenFrom', name: 'firstSeenFrom', ...text },
  { key: 'firstSeenTo', name: 'firstSeenTo', ...text },
  { key: 'lastSeenFrom', name: 'lastSeenFrom', ...text },
  { key: 'lastSeenTo', name: 'lastSeenTo', ...text },
]
const SORT_PARAM = 'sort'

export type ViewQuery = { filter: IndicatorFilter; sort: IndicatorSort | null }

export const queryFromSearch = (search: string): ViewQuery => {
  const params = new URLSearchParams(search)
  const filter: Record<string, unknown> = {}
  for (const p of PARAMS) {
    const raw = params.get(p.name)
    if (raw === null) continue
    const value = p.read(raw)
    const one = IndicatorFilterSchema.safeParse({ [p.key]: value })
    if (one.success) filter[p.key] = one.data[p.key]
  }
  const parsed = IndicatorFilterSchema.safeParse(filter)
  const [field, dir] = (params.get(SORT_PARAM) ?? '').split(':')
  const sortField = INDICATOR_SORT_FIELDS.find((f) => f === field)
  const sortDir = dir === 'asc' ? 'asc' : dir === 'desc' ? 'desc' : undefined
  const sort: IndicatorSort | null =
    sortField !== undefined && sortDir !== undefined ? { field: sortField, dir: sortDir } : null
  return { filter: parsed.success ? parsed.data : {}, sort }
}

/** The query string for a filter and sort, keeping any parameter this view does not own. */
export const searchFromQuery = (current: string, q: ViewQuery, defaultSort: IndicatorSort) => {
  const params = new URLSearchParams(current)
  for (const p of PARAMS) {
    const value = p.write(q.filter[p.key])
    if (value === null) params.delete(p.name)
    else params.set(p.name, value)
  }
  if (q.sort === null || (q.sort.field === defaultSort.field && q.sort.dir === defaultSort.dir)) {
    params.delete(SORT_PARAM)
  } else params.set(SORT_PARAM, `${q.sort.field}:${q.sort.dir}`)
  const s = params.toString()
  return s === '' ? '' : `?${s}`
}
