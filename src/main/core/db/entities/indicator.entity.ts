import { Column, Entity, PrimaryColumn } from 'typeorm'
import type { Classification, IocType, RiskLevel, Severity, Tlp } from '#shared/domain/enums'

/**
 * One indicator of compromise, unique by (type, canonical value). Created by migration 0001, which also
 * adds the SQLite search index. The hot paths (bulk upsert, lookup, search, keyset
 * pages) use raw statements (src/main/indicators/indicators.repository.ts, src/main/db/bulk/); this entity
 * serves ordinary TypeORM reads. Every column type is explicit: esbuild/tsx emit no decorator metadata,
 * and the same types must mean the same thing on PostgreSQL.
 *
 * Reads through this entity are fine. Writes are not: the search index (SQLite FTS5) has no triggers, so
 * every insert, delete or change of value/tags/description must go through the indicators repository or the
 * bulk writer, which keep it in step; they also set the derived `severity_rank` and `risk_level`.
 */
// No @Unique(type, value): the id is UUIDv5 of both, so the primary key holds that (migration 0001).
@Entity({ name: 'indicators' })
export class IndicatorEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  @Column({ type: 'varchar', length: 32 })
  type: IocType

  /** Canonical value (src/shared/domain canonicalize). */
  @Column({ type: 'text' })
  value: string

  @Column({ type: 'varchar', length: 16 })
  classification: Classification

  @Column({ type: 'integer' })
  confidence: number

  @Column({ type: 'varchar', length: 16 })
  severity: Severity

  /** SEVERITY_RANK[severity], so sorting by severity is an integer index scan. */
  @Column({ name: 'severity_rank', type: 'integer' })
  severityRank: number

  @Column({ type: 'integer' })
  score: number

  /** riskLevelFromScore(score), stored for filtering and for readers that do not run our code. */
  @Column({ name: 'risk_level', type: 'varchar', length: 16 })
  riskLevel: RiskLevel

  @Column({ type: 'varchar', length: 16 })
  tlp: Tlp

  /** ISO-8601 UTC with milliseconds ("2025-01-01T00:00:00.000Z"): sorts as text. */
  @Column({ name: 'first_seen', type: 'varchar', length: 40, nullable: true })
  firstSeen: string | null

  @Column({ name: 'last_seen', type: 'varchar', length: 40, nullable: true })
  lastSeen: string | null

  @Column({ type: 'text' })
  description: string

  @Column({ type: 'simple-json' })
  tags: string[]

  @Column({ name: 'mitre_tactics', type: 'simple-json' })
  mitreTactics: string[]

  @Column({ name: 'mitre_techniques', type: 'simple-json' })
  mitreTechniques: string[]

  @Column({ type: 'boolean' })
  active: boolean

  @Column({ name: 'false_positive', type: 'boolean' })
  falsePositive: boolean

  @Column({ type: 'simple-json', nullable: true })
  enrichment: Record<string, unknown> | null

  @Column({ name: 'project_id', type: 'varchar', length: 36, nullable: true })
  projectId: string | null

  /** Distinct sources that reported it and how often (migration 0004; kept by the bulk writer). */
  @Column({ name: 'source_count', type: 'integer', default: 0 })
  sourceCount: number

  @Column({ name: 'sighting_count', type: 'integer', default: 0 })
  sightingCount: number

  /** Bit set of fields an analyst edited (ANALYST_FIELD in indicator-merge.ts): feeds leave them. */
  @Column({ name: 'analyst_fields', type: 'integer', default: 0 })
  analystFields: number

  /** The score before decay, from the named terms (migration 0010); null until first scored. */
  @Column({ name: 'base_score', type: 'integer', nullable: true })
  baseScore: number | null

  /** The breakdown as last computed, JSON (see src/main/core/scoring). */
  @Column({ name: 'score_terms', type: 'text', nullable: true })
  scoreTerms: string | null

  /** What enrichment tells the score (migration 0019), JSON (src/main/core/enrichment); null: none yet. */
  @Column({ name: 'enrichment_signal', type: 'text', nullable: true })
  enrichmentSignal: string | null

  /** 'score' or 'severity': which one set risk_level. */
  @Column({ name: 'risk_decided_by', type: 'varchar', length: 16, nullable: true })
  riskDecidedBy: string | null

  /** When the decay clock last restarted (latest sighting or analyst confirmation). */
  @Column({ name: 'decay_from', type: 'varchar', length: 40, nullable: true })
  decayFrom: string | null

  @Column({ name: 'expires_at', type: 'varchar', length: 40, nullable: true })
  expiresAt: string | null

  /** Past the revoke threshold: kept and marked, never deleted. */
  @Column({ type: 'boolean', default: false })
  expired: boolean

  @Column({ name: 'analyst_verdict', type: 'varchar', length: 16, nullable: true })
  analystVerdict: 'true_positive' | 'false_positive' | null

  @Column({ name: 'verdict_at', type: 'varchar', length: 40, nullable: true })
  verdictAt: string | null

  /** How many known-benign warninglists matched. */
  @Column({ name: 'warninglist_hits', type: 'integer', default: 0 })
  warninglistHits: number

  /** The URL analysis verdict, 0-100, when the indicator was analysed. */
  @Column({ name: 'url_score', type: 'integer', nullable: true })
  urlScore: number | null

  @Column({ name: 'scored_at', type: 'varchar', length: 40, nullable: true })
  scoredAt: string | null

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt: string

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt: string
}
