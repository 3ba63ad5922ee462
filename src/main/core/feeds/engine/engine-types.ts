import type { Classification, IocType, Severity, Tlp } from '#shared/domain/enums'
import type { FeedRunReject } from '#core/ingest/ingest-counts'

/** The admiralty reliability of a source (formats.md §3.6). */
export type Reliability = 'A' | 'B' | 'C' | 'D' | 'E' | 'F'

/**
 * Numeric value of each admiralty reliability grade, as MISP's decay models use them (formats.md §3.6):
 * A 100, B 75, C 50, D 25, E 0, F 50 ("cannot be judged" is neutral, not bad). A record's own confidence,
 * when its source states one, wins over this.
 */
export const RELIABILITY_CONFIDENCE: Record<Reliability, number> = {
  A: 100,
  B: 75,
  C: 50,
  D: 25,
  E: 0,
  F: 50,
}

/** What the engine applies to every record of a run that the record does not say itself. */
export type RunDefaults = {
  feedId: string | null
  /** The feed's id, or `import:<label>`: two runs with the same key are the same source. */
  sourceKey: string
  /** Absent for ad-hoc imports: the record's own TLP, else the indicator table's default. */
  tlp?: Tlp
  tags: readonly string[]
  /** From the feed's reliability (RELIABILITY_CONFIDENCE); absent for ad-hoc imports. */
  confidence?: number
}

/**
 * One canonical record, ready for the batch transaction. A plain object (no class, no Map) because staged
 * runs serialise it to the spool file and read it back. Doubles as the indicator writer's upsert row.
 */
export type PreparedRecord = {
  line: number
  type: IocType
  value: string
  confidence?: number
  classification?: Classification
  severity?: Severity
  tlp?: Tlp
  firstSeen?: string
  lastSeen?: string
  description?: string
  tags: string[]
  // observation-only fields
  threatType: string | null
  malware: string | null
  reference: string | null
  port: number | null
  eventTitle: string | null
  tagsJson: string
  raw: string | null
}

export type PreparedObject = {
  id: string
  type: string
  name: string | null
  created: string | null
  modified: string | null
  sourceRef: string | null
  targetRef: string | null
  relationshipType: string | null
  data: string
}

export type PreparedBatch = { records: PreparedRecord[]; objects: PreparedObject[] }

export type { FeedRunReject }
