import type { Indicator } from '#shared/contract/indicators.contract'
import type { IntelEntity } from '#shared/contract/intel.schemas'
import { defang } from '#shared/domain/refang'

type Cell = string | number | boolean | null
type Column<T> = readonly [name: string, cell: (row: T, opts: { defang: boolean }) => Cell]

/** Lists inside one cell: `; ` between items (no item we store contains it as a separator). */
const joined = (xs: readonly string[]): string => xs.join('; ')

/**
 * The indicator CSV, in this order (docs/export.md documents them):
 * tlp, type, value (defanged when asked), severity, score, risk_level, confidence, classification,
 * first_seen, last_seen, tags, mitre_tactics, mitre_techniques, sources, sightings, active,
 * false_positive, expired, project_id, description, id, created_at, updated_at.
 */
export const INDICATOR_CSV_COLUMNS: readonly Column<Indicator>[] = [
  ['tlp', (i) => i.tlp.toUpperCase()],
  ['type', (i) => i.type],
  ['value', (i, o) => (o.defang ? defang(i.type, i.value) : i.value)],
  ['severity', (i) => i.severity],
  ['score', (i) => i.score],
  ['risk_level', (i) => i.riskLevel],
  ['confidence', (i) => i.confidence],
  ['classification', (i) => i.classification],
  ['first_seen', (i) => i.firstSeen],
  ['last_seen', (i) => i.lastSeen],
  ['tags', (i) => joined(i.tags)],
  ['mitre_tactics', (i) => joined(i.mitreTactics)],
  ['mitre_techniques', (i) => joined(i.mitreTechniques)],
  ['sources', (i) => i.sourceCount],
  ['sightings', (i) => i.sightingCount],
  ['active', (i) => i.active],
  ['false_positive', (i) => i.falsePositive],
  ['expired', (i) => i.expired],
  ['project_id', (i) => i.projectId],
  ['description', (i) => i.description],
  ['id', (i) => i.id],
  ['created_at', (i) => i.createdAt],
  ['updated_at', (i) => i.updatedAt],
]

/**
 * The entity list CSV: tlp, kind, name, aliases, severity, confidence, first_seen, last_seen, techniques,
 * sources, project_id, stix_id, description, id, created_at, updated_at.
 */
export const ENTITY_CSV_COLUMNS: readonly Column<IntelEntity>[] = [
  ['tlp', (e) => e.tlp.toUpperCase()],
  ['kind', (e) => e.kind],
  ['name', (e) => e.name],
  ['aliases', (e) => joined(e.aliases)],
  ['severity', (e) => e.severity],
  ['confidence', (e) => e.confidence],
  ['first_seen', (e) => e.firstSeen],
  ['last_seen', (e) => e.lastSeen],
  ['techniques', (e) => joined(e.techniques)],
  ['sources', (e) => joined(e.sources)],
  ['project_id', (e) => e.projectId],
  ['stix_id', (e) => e.stixId],
  ['description', (e) => e.description],
  ['id', (e) => e.id],
  ['created_at', (e) => e.createdAt],
  ['updated_at', (e) => e.updatedAt],
]
