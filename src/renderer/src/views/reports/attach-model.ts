import type { IndicatorFilter } from '#shared/contract/indicators.contract'

/** Empty strings, empty lists and undefined are "no filter" and are not sent. */
export const cleanIndicatorFilter = (f: IndicatorFilter): IndicatorFilter => {
  const out: IndicatorFilter = { ...f }
  for (const key of Object.keys(out) as (keyof IndicatorFilter)[]) {
    const v = out[key]
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete out[key]
  }
  return out
}

const LABELS: Partial<Record<keyof IndicatorFilter, string>> = {
  q: 'text',
  types: 'type',
  classifications: 'classification',
  severities: 'severity',
  tag: 'tag',
  sourcesMin: 'sources ≥',
  scoreMin: 'score ≥',
  scoreMax: 'score ≤',
}

const show = (v: unknown): string =>
  Array.isArray(v) ? v.map(String).join(' or ') : typeof v === 'string' ? `"${v}"` : String(v)

/**
 * The Indicators view's filter in words ("type ip, score ≥ 60, not false positive"), so the analyst sees
 * what "attach all N matching" will take before taking it.
 */
export const describeIndicatorFilter = (f: IndicatorFilter, projectName?: string): string => {
  const parts: string[] = []
  for (const [key, value] of Object.entries(cleanIndicatorFilter(f))) {
    if (key === 'active') parts.push(value === true ? 'active' : 'inactive')
    else if (key === 'falsePositive')
      parts.push(value === true ? 'false positives' : 'not false positive')
    else if (key === 'projectId')
      parts.push(value === null ? 'no project' : `project ${projectName ?? String(value)}`)
    else {
      const label = LABELS[key as keyof IndicatorFilter] ?? key
      parts.push(`${label} ${show(value)}`)
    }
  }
  return parts.length === 0 ? 'every indicator (no filter set)' : parts.join(', ')
}

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`

/** What an attach did, in one line: how many were added and how many the report already had. */
export const attachOutcome = (
  r: { added: number; alreadyThere: number },
  reportName: string,
): string => {
  const added = `${plural(r.added, 'item', 'items')} added to "${reportName}"`
  return r.alreadyThere === 0
    ? added
    : `${added} (${plural(r.alreadyThere, 'was', 'were')} already there)`
}
