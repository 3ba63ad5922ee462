import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** One execution of a feed or an ad-hoc import, kept as history. Created by migration 0002. */
@Entity({ name: 'feed_runs' })
@Index('IDX_feed_runs_feed_started', ['feedId', 'startedAt'])
@Index('IDX_feed_runs_started', ['startedAt'])
@Index('IDX_feed_runs_open', ['status'], { where: "status IN ('queued', 'running')" })
export class FeedRunEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string

  /** Null for ad-hoc file imports. */
  @Column({ name: 'feed_id', type: 'varchar', length: 36, nullable: true })
  feedId: string | null

  /** What was read: the feed's name, a file name or a URL (never with credentials). */
  @Column({ type: 'varchar', length: 500 })
  source: string

  @Column({ type: 'varchar', length: 32 })
  format: string

  @Column({ type: 'varchar', length: 16 })
  trigger: string

  @Column({ type: 'varchar', length: 16 })
  status: string

  @Column({ name: 'started_at', type: 'varchar', length: 40 })
  startedAt: string

  @Column({ name: 'finished_at', type: 'varchar', length: 40, nullable: true })
  finishedAt: string | null

  @Column({ type: 'integer', default: 0 })
  bytes: number

  @Column({ type: 'integer', default: 0 })
  rows: number

  @Column({ type: 'integer', default: 0 })
  created: number

  @Column({ type: 'integer', default: 0 })
  updated: number

  @Column({ type: 'integer', default: 0 })
  unchanged: number

  @Column({ type: 'integer', default: 0 })
  duplicates: number

  @Column({ type: 'integer', default: 0 })
  rejected: number

  /** Records the allowlist stored as false positive (migration 0011). */
  @Column({ type: 'integer', default: 0 })
  allowlisted: number

  /** Intel objects (STIX SDOs/SROs, MISP events) kept. */
  @Column({ type: 'integer', default: 0 })
  objects: number

  /** JSON object: indicator type -> created + updated + unchanged of that type. */
  @Column({ name: 'by_type', type: 'text', default: '{}' })
  byType: string

  @Column({ type: 'text', nullable: true })
  error: string | null

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null

  /** The process that runs it (migration 0008); null on runs recorded before that. */
  @Column({ name: 'owner_pid', type: 'integer', nullable: true })
  ownerPid: number | null

  /** Unique per core instance: pids are reused, this is not. */
  @Column({ name: 'owner_instance', type: 'varchar', length: 36, nullable: true })
  ownerInstance: string | null

  @Column({ name: 'owner_host', type: 'varchar', length: 255, nullable: true })
  ownerHost: string | null

  /** Refreshed by the owner while the run is live (machine time, not the core's clock). */
  @Column({ name: 'heartbeat_at', type: 'varchar', length: 40, nullable: true })
  heartbeatAt: string | null
}
