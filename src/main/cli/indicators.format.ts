import type { Indicator, SearchCoverage } from '#shared/contract/indicators.contract'
import { formatRecord, formatTable } from './format'

export const indicatorTable = (items: readonly Indicator[]): string =>
  items.length === 0
    ? 'No indicators.\n'
    : formatTable(
        ['ID', 'TYPE', 'VALUE', 'SEVERITY', 'SCORE', 'TAGS'],
        items.map((i) => [i.id, i.type, i.value, i.severity, String(i.score), i.tags.join(',')]),
      )

export const indicatorRecord = (i: Indicator): string =>
  formatRecord([
    ['id', i.id],
    ['type', i.type],
    ['value', i.value],
    ['classification', i.classification],
    ['severity', i.severity],
    ['score', `${i.score} (${i.riskLevel})`],
    ['confidence', String(i.confidence)],
    ['tlp', i.tlp],
    ['active', i.active ? 'yes' : 'no'],
    ['false positive', i.falsePositive ? 'yes' : 'no'],
    ['tags', i.tags.join(', ')],
    ['project', i.projectId ?? '-'],
    ['first seen', i.firstSeen ?? '-'],
    ['last seen', i.lastSeen ?? '-'],
    ['description', i.description],
    ['created', i.createdAt],
    ['updated', i.updatedAt],
  ])

/**
 * The line a text search prints on stderr when the search index could not see every row (it is rebuilding
 * or catching up): the result may miss indicators that exist. Null when the search was complete.
 */
export const searchCoverageNotice = (answer: Partial<SearchCoverage>): string | null => {
  if (answer.partial !== true) return null
  const p = answer.indexProgress
  const far = p
    ? `: ${p.indexed.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} indexed`
    : ''
  return `Search index is rebuilding${far}; results may be incomplete\n`
}
