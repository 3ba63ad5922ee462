import type BetterSqlite3 from 'better-sqlite3'

/**
 * Raw prepared statements for the feed engine's hot path: one observation (and intel object) upsert per
 * record, run inside the caller's batch transaction. TypeORM would cost ~20x here (see toolchain.md §4).
 */

/** What an observation upsert did, as bits (SIGHTED, NEW_SOURCE, CONTEXT), or DUPLICATE. */
export const SIGHTED = 1
export const NEW_SOURCE = 2
/** Malware, threat type or event title of the observation changed: the indicator's search text did. */
export const CONTEXT = 4
export const DUPLICATE = -1

export type ObservationBulkWriter = {
  /**
   * Inserts or refreshes the observation of (indicator, source) for `runId` from the record's flat
   * observation fields, OBSERVATION_STRIDE values at `offset` of `fields` (order: src/main/db/bulk-worker/
   * protocol.ts), as they crossed the thread boundary: no object per record on the writer's hot path.
   * Returns DUPLICATE when this run has already reported the indicator (nothing was changed), else a bit
   * set: SIGHTED when the source reported something it had not (a new observation, a later last_seen, an
   * earlier first_seen, another value of any field), NEW_SOURCE for a new observation, CONTEXT as above.
   */
  upsert(
    indicatorId: string,
    /** The key on SQLite (see migration 0002): increasing for new indicators, so inserts append. */
    indicatorRowid: number,
    feedId: string | null,
    sourceKey: string,
    fields: readonly unknown[],
    offset: number,
    runId: string,
    nowIso: string,
  ): number
}

/** A field the source restated with another value (an absent one never counts: it keeps the old). */
const differs = (col: string) =>
  `(excluded.${col} IS NOT NULL AND excluded.${col} IS NOT observations.${col})`

/** The source said something it had not said before: a sighting (migration 0004). */
const SAID_NEW = `(
  (excluded.first_seen IS NOT NULL AND (observations.first_seen IS NULL OR excluded.first_seen < observations.first_seen))
  OR (excluded.last_seen IS NOT NULL AND (observations.last_seen IS NULL OR excluded.last_seen > observations.last_seen))
  OR excluded.tags IS NOT observations.tags
  OR ${[
    'confidence',
    'threat_type',
    'malware',
    'reference',
    'description',
    'tlp',
    'port',
    'classification',
    'severity',
    'event_title',
  ]
    .map(differs)
    .join(' OR ')})`

const CONTEXT_NEW = `(${['threat_type', 'malware', 'event_title'].map(differs).join(' OR ')})`

// The WHERE on the upsert makes a repeat within one run a no-op (no row returned): duplicates are detected
// by the database itself, so a 1M-row feed needs no in-memory set of keys. Dates merge as min/max (SQLite's
// multi-argument min/max return NULL when any argument is NULL, hence the coalesce); what the source says now
// about threat type, confidence, tags and link replaces what it said before. SET expressions read the row
// as it was, so SAID_NEW compares the old values; RETURNING only sees the new row, hence last_outcome: the
// upsert's own outcome bits, stored (one small integer) so RETURNING can hand them back. An insert binds
// them, computed here.
const UPSERT_OBSERVATION = `
INSERT INTO observations (
  indicator_id, indicator_rowid, feed_id, source_key, first_seen, last_seen, confidence, threat_type,
  malware, tags, reference, description, tlp, port, raw, classification, severity, event_title,
  sightings, last_outcome, last_run_id, created_at, updated_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
ON CONFLICT (indicator_rowid, source_key) DO UPDATE SET
  feed_id = excluded.feed_id,
  first_seen = coalesce(min(observations.first_seen, excluded.first_seen), observations.first_seen, excluded.first_seen),
  last_seen = coalesce(max(observations.last_seen, excluded.last_seen), observations.last_seen, excluded.last_seen),
  confidence = coalesce(excluded.confidence, observations.confidence),
  threat_type = coalesce(excluded.threat_type, observations.threat_type),
  malware = coalesce(excluded.malware, observations.malware),
  tags = excluded.tags,
  reference = coalesce(excluded.reference, observations.reference),
  description = coalesce(excluded.description, observations.description),
  tlp = coalesce(excluded.tlp, observations.tlp),
  port = coalesce(excluded.port, observations.port),
  raw = coalesce(excluded.raw, observations.raw),
  classification = coalesce(excluded.classification, observations.classification),
  severity = coalesce(excluded.severity, observations.severity),
  event_title = coalesce(excluded.event_title, observations.event_title),
  sightings = observations.sightings + CASE WHEN ${SAID_NEW} THEN 1 ELSE 0 END,
  last_outcome = CASE WHEN ${SAID_NEW} THEN ${SIGHTED} ELSE 0 END
    + CASE WHEN ${CONTEXT_NEW} THEN ${CONTEXT} ELSE 0 END,
  last_run_id = excluded.last_run_id,
  updated_at = excluded.updated_at
WHERE observations.last_run_id IS NOT excluded.last_run_id
RETURNING last_outcome`

/**
 * The common case of an import, a new observation, costs one plain insert: RETURNING makes SQLite collect
 * the statement's rows before handing them back, so only a conflicting row pays for the upsert with it
 * (the same pattern as the indicator insert, indicator-bulk.ts).
 */
const INSERT_NEW_OBSERVATION = `${UPSERT_OBSERVATION.slice(0, UPSERT_OBSERVATION.indexOf('ON CONFLICT'))}
ON CONFLICT (indicator_rowid, source_key) DO NOTHING`

export const createObservationBulkWriter = (
  sqlite: BetterSqlite3.Database,
): ObservationBulkWriter => {
  const insertNew = sqlite.prepare(INSERT_NEW_OBSERVATION)
  const stmt = sqlite.prepare<unknown[], number>(UPSERT_OBSERVATION).pluck()
  return {
    upsert: (indicatorId, indicatorRowid, feedId, sourceKey, f, o, runId, now) => {
      // A new source's first sighting, with context if it said any.
      const fresh =
        f[o + 3] !== null || f[o + 4] !== null || f[o + 13] !== null
          ? SIGHTED | NEW_SOURCE | CONTEXT
          : SIGHTED | NEW_SOURCE
      const inserted = insertNew.run(
        indicatorId,
        indicatorRowid,
        feedId,
        sourceKey,
        f[o], // first_seen
        f[o + 1], // last_seen
        f[o + 2], // confidence
        f[o + 3], // threat_type
        f[o + 4], // malware
        f[o + 5], // tags JSON
        f[o + 6], // reference
        f[o + 7], // description
        f[o + 8], // tlp
        f[o + 9], // port
        f[o + 10], // raw JSON
        f[o + 11], // classification
        f[o + 12], // severity
        f[o + 13], // event title
        fresh, // last_outcome
        runId,
        now,
        now,
      )
      if (inserted.changes > 0) return fresh
      return (
        stmt.get(
          indicatorId,
          indicatorRowid,
          feedId,
          sourceKey,
          f[o],
          f[o + 1],
          f[o + 2],
          f[o + 3],
          f[o + 4],
          f[o + 5],
          f[o + 6],
          f[o + 7],
          f[o + 8],
          f[o + 9],
          f[o + 10],
          f[o + 11],
          f[o + 12],
          f[o + 13],
          fresh,
          runId,
          now,
          now,
        ) ?? DUPLICATE
      )
    },
  }
}

export type IntelObjectUpsertRow = {
  id: string
  type: string
  name: string | null
  created: string | null
  modified: string | null
  sourceRef: string | null
  targetRef: string | null
  relationshipType: string | null
  /** JSON. */
  data: string
  feedId: string | null
}

export type IntelObjectBulkWriter = {
  /** Returns false when the stored version is newer (a STIX object's `modified` decides). */
  upsert(row: IntelObjectUpsertRow, runId: string, nowIso: string): boolean
}

const UPSERT_INTEL_OBJECT = `
INSERT INTO intel_objects (
  id, type, name, created, modified, source_ref, target_ref, relationship_type, data, feed_id, last_run_id,
  created_at, updated_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
  type = excluded.type,
  name = excluded.name,
  created = excluded.created,
  modified = excluded.modified,
  source_ref = excluded.source_ref,
  target_ref = excluded.target_ref,
  relationship_type = excluded.relationship_type,
  data = excluded.data,
  feed_id = coalesce(excluded.feed_id, intel_objects.feed_id),
  last_run_id = excluded.last_run_id,
  updated_at = excluded.updated_at
WHERE intel_objects.modified IS NULL OR excluded.modified IS NULL OR excluded.modified >= intel_objects.modified`

export const createIntelObjectBulkWriter = (
  sqlite: BetterSqlite3.Database,
): IntelObjectBulkWriter => {
  const stmt = sqlite.prepare(UPSERT_INTEL_OBJECT)
  return {
    upsert: (r, runId, now) =>
      stmt.run(
        r.id,
        r.type,
        r.name,
        r.created,
        r.modified,
        r.sourceRef,
        r.targetRef,
        r.relationshipType,
        r.data,
        r.feedId,
        runId,
        now,
        now,
      ).changes > 0,
  }
}

/** "Seen by N sources" for many indicators at once (a range scan of the unique index per indicator). */
export const countSources = (
  sqlite: BetterSqlite3.Database,
  indicatorIds: readonly string[],
): Map<string, number> => {
  const stmt = sqlite
    .prepare(
      `SELECT count(*) FROM observations
       WHERE indicator_rowid = (SELECT rowid FROM indicators WHERE id = ?)`,
    )
    .pluck()
  const out = new Map<string, number>()
  for (const id of indicatorIds) out.set(id, stmt.get(id) as number)
  return out
}
