import type { ExportTarget } from '#shared/contract/export.schemas'
import type { IndicatorFilter } from '#shared/contract/indicators.contract'

const list = (xs: readonly string[] | undefined): string | null =>
  xs === undefined || xs.length === 0 ? null : xs.join(', ')

/** An indicator filter in words, e.g. `indicators of type ip, domain, score ≥ 80, tagged "c2"`. */
export const filterText = (f: IndicatorFilter): string => {
  const parts: string[] = []
  const push = (s: string | null) => {
    if (s !== null) parts.push(s)
  }
  if (f.ids !== undefined && f.ids.length > 0) push(`${f.ids.length} selected`)
  const types = list(f.types)
  push(types === null ? null : `of type ${types}`)
  const sev = list(f.severities)
  push(sev === null ? null : `severity ${sev}`)
  const cls = list(f.classifications)
  push(cls === null ? null : `classified ${cls}`)
  if (f.scoreMin !== undefined) push(`score ≥ ${f.scoreMin}`)
  if (f.scoreMax !== undefined) push(`score ≤ ${f.scoreMax}`)
  if (f.sourcesMin !== undefined) push(`from ≥ ${f.sourcesMin} sources`)
  if (f.tag !== undefined) push(`tagged ${JSON.stringify(f.tag)}`)
  if (f.q !== undefined && f.q !== '') push(`matching ${JSON.stringify(f.q)}`)
  if (f.projectId === null) push('in no project')
  else if (f.projectId !== undefined) push(`of project ${f.projectId}`)
  if (f.active !== undefined) push(f.active ? 'active' : 'inactive')
  if (f.falsePositive !== undefined)
    push(f.falsePositive ? 'false positives' : 'not false positives')
  if (f.firstSeenFrom !== undefined) push(`first seen from ${f.firstSeenFrom}`)
  if (f.firstSeenTo !== undefined) push(`first seen until ${f.firstSeenTo}`)
  if (f.lastSeenFrom !== undefined) push(`last seen from ${f.lastSeenFrom}`)
  if (f.lastSeenTo !== undefined) push(`last seen until ${f.lastSeenTo}`)
  return parts.length === 0 ? 'all indicators' : `indicators ${parts.join(', ')}`
}

const KIND_PLURAL = {
  'threat-actor': 'threat actors',
  campaign: 'campaigns',
  vulnerability: 'vulnerabilities',
  malware: 'malware families',
  report: 'threat reports',
} as const

/** What a target is, in words, before it is resolved (ids where names are not known yet). */
export const targetText = (t: ExportTarget): string => {
  switch (t.kind) {
    case 'indicators':
      return filterText(t.filter)
    case 'report':
      return `threat report ${t.id}`
    case 'entity':
      return `entity ${t.id} and its relationships`
    case 'project':
      return `project ${t.id}`
    case 'entities': {
      const parts: string[] = []
      if (t.filter.q !== undefined && t.filter.q !== '')
        parts.push(`named like ${JSON.stringify(t.filter.q)}`)
      if (t.filter.technique !== undefined) parts.push(`using ${t.filter.technique}`)
      if (t.filter.projectId !== undefined) parts.push(`of project ${t.filter.projectId}`)
      return [KIND_PLURAL[t.entityKind], ...parts].join(' ')
    }
  }
}
