import type { IntelEntity, IntelRelationship } from '#shared/contract/intel.schemas'
import { COLORS, type Flow, tlpLabel } from './pdf-flow'
import { Table } from './pdf-table'
import { cleanText } from './pdf-text'

/** Bounds on what one entity prints: descriptions and lists from feeds can be of any size. */
const DESCRIPTION_MAX = 4_000
const FIELD_MAX = 600
const RELATIONSHIPS_MAX = 2_000

const KIND_LABEL: Record<IntelEntity['kind'], string> = {
  'threat-actor': 'Threat actor',
  campaign: 'Campaign',
  vulnerability: 'Vulnerability',
  malware: 'Malware',
  report: 'Threat report',
}

const list = (xs: readonly string[]): string => cleanText(xs.join(', '), FIELD_MAX)
const day = (ts: string | null): string => (ts === null ? '' : ts.slice(0, 10))
const yes = (b: boolean): string => (b ? 'yes' : 'no')

/** The kind's own fields, as label/value rows. */
export const detailRows = (e: IntelEntity): [string, string][] => {
  switch (e.kind) {
    case 'threat-actor':
      return [
        ['Type', e.details.actorType ?? ''],
        ['Origin country', e.details.originCountry ?? ''],
        ['Motivation', e.details.motivation ?? ''],
        ['Sophistication', e.details.sophistication ?? ''],
        ['Tactics', list(e.details.tactics)],
        ['Tools', list(e.details.tools)],
        ['Target sectors', list(e.details.targetSectors)],
        ['Target countries', list(e.details.targetCountries)],
      ]
    case 'campaign':
      return [
        ['Objectives', list(e.details.objectives)],
        ['Tactics', list(e.details.tactics)],
        ['Target sectors', list(e.details.targetSectors)],
        ['Target countries', list(e.details.targetCountries)],
      ]
    case 'vulnerability':
      return [
        ['CVE', e.details.cveId ?? ''],
        [
          'CVSS',
          e.details.cvssScore === null
            ? (e.details.cvssSeverity ?? '')
            : `${e.details.cvssScore.toFixed(1)}${e.details.cvssSeverity === null ? '' : ` (${e.details.cvssSeverity})`}`,
        ],
        [
          'Affected',
          list(
            e.details.affectedProducts.map((p) =>
              p.versions.length === 0 ? p.product : `${p.product} ${p.versions.join('/')}`,
            ),
          ),
        ],
        ['Exploit available', yes(e.details.exploitAvailable)],
        ['Exploited in the wild', yes(e.details.exploitedInTheWild)],
        ['Exploit references', list(e.details.exploitReferences)],
        ['Patch available', yes(e.details.patchAvailable)],
        ['Patch references', list(e.details.patchReferences)],
        ['Workarounds', cleanText(e.details.workarounds, FIELD_MAX)],
        ['Published', day(e.details.publishedAt)],
        ['Discovered', day(e.details.discoveredAt)],
      ]
    case 'malware':
      return [
        ['Types', list(e.details.malwareTypes)],
        ['Capabilities', list(e.details.capabilities)],
        ['Family', yes(e.details.isFamily)],
      ]
    case 'report':
      return [
        ['Authors', list(e.details.authors)],
        ['Published', e.details.published ? day(e.details.publishedAt) || 'yes' : 'no'],
      ]
  }
}

const entity = (flow: Flow, e: IntelEntity): void => {
  flow.checkAbort()
  flow.ensure(80)
  flow.text(
    [
      { text: `${KIND_LABEL[e.kind]}  `, style: 'bold', color: COLORS.muted },
      { text: cleanText(e.name, 300), style: 'bold', color: COLORS.accent },
      { text: '   ' },
      { text: tlpLabel(e.tlp), style: 'bold', color: darker(e.tlp) },
    ],
    { size: 12, gap: 3 },
  )
  flow.fields([
    ['Aliases', list(e.aliases)],
    ['Severity', e.severity ?? ''],
    ['Confidence', e.confidence === null ? '' : String(e.confidence)],
    ['First seen', day(e.firstSeen)],
    ['Last seen', day(e.lastSeen)],
    ['Techniques', list(e.techniques)],
    ['Sources', list(e.sources)],
    ...detailRows(e),
  ])
  if (e.description.trim() !== '')
    flow.text([{ text: cleanText(e.description, DESCRIPTION_MAX) }], { size: 9.5, gap: 4 })
  flow.y += 8
}

/** The TLP 2.0 colours are made for black backgrounds; as plain text on white paper they take a darker shade. */
const darker = (tlp: IntelEntity['tlp']): string =>
  ({
    red: '#C62828',
    amber: '#B26A00',
    'amber+strict': '#B26A00',
    green: '#2E7D32',
    clear: '#5f6368',
  })[tlp]

/** The entities section: each entity with its fields, then the relationships among the set's objects. */
export const writeEntities = (
  flow: Flow,
  entities: readonly IntelEntity[],
  relationships: readonly IntelRelationship[],
): void => {
  if (entities.length === 0 && relationships.length === 0) return
  flow.section(`Entities (${entities.length.toLocaleString('en-US')})`)
  for (const e of entities) entity(flow, e)
  if (relationships.length === 0) return
  const names = new Map(entities.map((e) => [e.id, cleanText(e.name, 200)]))
  flow.heading(`Relationships (${relationships.length.toLocaleString('en-US')})`, 2)
  const table = new Table(
    flow,
    [150, 90, 150, 60, 49.28],
    ['Source', 'Type', 'Target', 'Confidence', 'Seen'],
    8,
  )
  table.start()
  for (const r of relationships.slice(0, RELATIONSHIPS_MAX)) {
    flow.checkAbort()
    table.row([
      [{ text: names.get(r.sourceRef) ?? `${r.sourceKind} ${cleanText(r.sourceRef, 80)}` }],
      [{ text: cleanText(r.relationshipType, 64) }],
      [{ text: names.get(r.targetRef) ?? `${r.targetKind} ${cleanText(r.targetRef, 80)}` }],
      [{ text: r.confidence === null ? '' : String(r.confidence) }],
      [{ text: day(r.lastSeen ?? r.firstSeen) }],
    ])
  }
  table.end()
  if (relationships.length > RELATIONSHIPS_MAX)
    flow.text(
      [
        {
          text: `First ${RELATIONSHIPS_MAX.toLocaleString('en-US')} relationships shown.`,
          style: 'italic',
          color: COLORS.muted,
        },
      ],
      { size: 8.5 },
    )
}
