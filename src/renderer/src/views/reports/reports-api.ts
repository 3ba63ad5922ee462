import type { IndicatorFilter } from '#shared/contract/indicators.contract'
import type { IntelListItem, IntelNode } from '#shared/contract/intel.contract'
import type { IntelEntity, IntelRefKind, ThreatReport } from '#shared/contract/intel.schemas'
import { ApiError, type Client } from '../../api/client'
import type { DraftChanges, ReportDraft, ReportListFilter } from './report-draft'
import { parseAuthors } from './report-draft'

/** A report as the list shows it: everything but its Markdown. */
export type ReportListItem = Extract<IntelListItem, { kind: 'report' }>
/** An indicator or an entity: a search hit, or something a report contains. */
export type ObjectNode = IntelNode

/** The entity kinds a report links to (besides indicators). */
export const ATTACHABLE_ENTITY_KINDS = [
  'threat-actor',
  'campaign',
  'vulnerability',
  'malware',
] as const satisfies readonly IntelRefKind[]

export const KIND_LABELS: Record<IntelRefKind, string> = {
  'threat-actor': 'Threat actor',
  campaign: 'Campaign',
  vulnerability: 'Vulnerability',
  malware: 'Malware',
  report: 'Report',
  indicator: 'Indicator',
  'attack-pattern': 'ATT&CK technique',
}

/**
 * The list holds at most this many reports, the most recently updated: the text search runs on them in the
 * renderer, where it can look at summaries and authors too (the core's search knows names and aliases).
 */
export const REPORT_LIST_LIMIT = 500
/** One page of a report's contents. */
export const OBJECTS_PAGE = 200

const isReportItem = (item: IntelListItem): item is ReportListItem => item.kind === 'report'

export const listReports = async (
  client: Client,
  f: ReportListFilter,
): Promise<{ items: ReportListItem[]; total: number }> => {
  const page = await client.call('intel.list', {
    kind: 'report',
    limit: REPORT_LIST_LIMIT,
    ...(f.tlp === null ? {} : { tlp: [f.tlp] }),
    ...(f.status === 'all' ? {} : { published: f.status === 'published' }),
  })
  return { items: page.items.filter(isReportItem), total: page.total }
}

const asReport = (entity: IntelEntity): ThreatReport => {
  if (entity.kind !== 'report')
    throw new ApiError('not_found', `${entity.id} is a ${entity.kind}, not a threat report`)
  return entity
}

export const getReport = async (client: Client, id: string): Promise<ThreatReport> =>
  asReport(await client.call('intel.get', { id }))

export const createReport = async (client: Client, d: ReportDraft): Promise<ThreatReport> =>
  asReport(
    await client.call('intel.create', {
      kind: 'report',
      name: d.title.trim(),
      tlp: d.tlp,
      severity: d.severity,
      details: {
        summary: d.summary,
        content: d.content,
        authors: parseAuthors(d.authorsText),
      },
    }),
  )

/** Saves the changed fields; the report's own fields go in `details`, merged field by field. */
export const updateReport = async (
  client: Client,
  id: string,
  c: DraftChanges,
  published?: boolean,
): Promise<ThreatReport> => {
  const details = {
    ...(c.summary === undefined ? {} : { summary: c.summary }),
    ...(c.content === undefined ? {} : { content: c.content }),
    ...(c.authors === undefined ? {} : { authors: c.authors }),
  }
  return asReport(
    await client.call('intel.update', {
      id,
      patch: {
        ...(c.name === undefined ? {} : { name: c.name }),
        ...(c.tlp === undefined ? {} : { tlp: c.tlp }),
        ...(c.severity === undefined ? {} : { severity: c.severity }),
        ...(Object.keys(details).length === 0 ? {} : { details }),
        ...(published === undefined ? {} : { published }),
      },
    }),
  )
}

export const deleteReport = async (client: Client, id: string): Promise<void> => {
  await client.call('intel.delete', { id })
}

export type ObjectsPage = { items: ObjectNode[]; total: number; nextCursor: string | null }

export const reportObjects = async (
  client: Client,
  reportId: string,
  kind: IntelRefKind | undefined,
  cursor?: string,
): Promise<ObjectsPage> =>
  client.call('intel.reportObjects', {
    reportId,
    limit: OBJECTS_PAGE,
    ...(kind === undefined ? {} : { kind }),
    ...(cursor === undefined ? {} : { cursor }),
  })

export type AttachResult = { added: number; alreadyThere: number }

export const attachToReport = async (
  client: Client,
  reportId: string,
  what: { indicatorIds?: string[]; filter?: IndicatorFilter; entityIds?: string[] },
): Promise<AttachResult> => client.call('intel.attachToReport', { reportId, ...what })

export const detachFromReport = async (
  client: Client,
  reportId: string,
  refs: string[],
): Promise<void> => {
  await client.call('intel.detachFromReport', { reportId, refs })
}

export const searchObjects = async (
  client: Client,
  q: string,
  kinds: readonly IntelRefKind[],
): Promise<ObjectNode[]> => {
  const text = q.trim()
  if (text === '') return []
  const answer = await client.call('intel.searchObjects', { q: text, kinds: [...kinds], limit: 50 })
  return answer.items
}

/** How many indicators a filter matches, to say so before attaching them all. */
export const countIndicators = async (client: Client, filter: IndicatorFilter): Promise<number> =>
  (await client.call('indicators.count', { filter })).total
