import { Table, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * Enrichment (issue 12; the seed schema's enrichment_data, feed_data and scan_jobs, reshaped).
 *
 * - enrichment_results: one row per (indicator, provider). It is the result the panel shows AND the queue:
 *   `status` queued rows wait for a worker, the network (offline mode) or `next_attempt_at` (backoff, the
 *   budget's next minute). The normalised finding (level, summary, tags, facts as JSON) sits beside the raw
 *   response kept for audit (capped; `raw_truncated` says when it was cut). Deleting the indicator deletes
 *   its results.
 * - enrichment_cache: the provider's answer per lookup key (a value, not an indicator: the same domain in two
 *   projects is asked once), with its expiry; status_code is the HTTP status (0 for DNS and local data).
 * - enrichment_usage: requests spent per provider and UTC day, so a daily budget survives a restart (the
 *   per-minute window is in memory).
 * - enrichment_keys: what enrichment says an indicator shares with others (asn, network, registrar,
 *   resolved-address, country), one row per key, indexed by (kind, value) for pivots and the world map.
 * - scan_jobs: persisted enrichment jobs with the seed's metrics (indicators processed, new threats, alerts
 *   triggered, duration, errors); a job a stopped process left running is resumed or closed at start.
 * - indicators.enrichment_signal: the enrichment facts the score reads (domain age, hosting ASN, provider
 *   verdicts) as JSON, written with the results so rescoring a million rows reads one column, not a join.
 */
export class CreateEnrichment1764801900000 implements MigrationInterface {
  name = 'CreateEnrichment1764801900000'

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) =>
      ({ name, type: 'varchar', length: '40', isNullable: nullable }) as const
    const text = (name: string) => ({ name, type: 'text', isNullable: true }) as const
    const flag = (name: string) => ({ name, type: 'boolean', default: false }) as const
    await q.createTable(
      new Table({
        name: 'enrichment_results',
        columns: [
          { name: 'indicator_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'provider', type: 'varchar', length: '32', isPrimary: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'level', type: 'varchar', length: '16', isNullable: true },
          { name: 'summary', type: 'varchar', length: '500', isNullable: true },
          text('tags'),
          text('facts'),
          { name: 'reliability', type: 'varchar', length: '1' },
          text('source'),
          { name: 'skip_reason', type: 'varchar', length: '32', isNullable: true },
          { name: 'message', type: 'varchar', length: '1000', isNullable: true },
          text('raw'),
          flag('raw_truncated'),
          text('raw_url'),
          flag('cached'),
          flag('tlp_override'),
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'scan_job_id', type: 'varchar', length: '36', isNullable: true },
          ts('requested_at'),
          ts('fetched_at', true),
          ts('expires_at', true),
          ts('next_attempt_at', true),
          ts('updated_at'),
        ],
        indices: [
          // The workers' pick: queued rows of a provider, due first.
          {
            name: 'IDX_enrichment_results_queue',
            columnNames: ['status', 'provider', 'next_attempt_at'],
          },
          { name: 'IDX_enrichment_results_job', columnNames: ['scan_job_id'] },
        ],
        foreignKeys: [
          {
            columnNames: ['indicator_id'],
            referencedTableName: 'indicators',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    )
    await q.createTable(
      new Table({
        name: 'enrichment_cache',
        columns: [
          { name: 'provider', type: 'varchar', length: '32', isPrimary: true },
          { name: 'lookup_key', type: 'varchar', length: '512', isPrimary: true },
          { name: 'status_code', type: 'integer', default: 0 },
          text('body'),
          flag('body_truncated'),
          text('url'),
          ts('fetched_at'),
          ts('expires_at'),
        ],
        indices: [{ name: 'IDX_enrichment_cache_expires', columnNames: ['expires_at'] }],
      }),
    )
    await q.createTable(
      new Table({
        name: 'enrichment_usage',
        columns: [
          { name: 'provider', type: 'varchar', length: '32', isPrimary: true },
          { name: 'day', type: 'varchar', length: '10', isPrimary: true },
          { name: 'requests', type: 'integer', default: 0 },
        ],
      }),
    )
    await q.createTable(
      new Table({
        name: 'enrichment_keys',
        columns: [
          { name: 'indicator_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '32', isPrimary: true },
          { name: 'value', type: 'varchar', length: '300', isPrimary: true },
          { name: 'provider', type: 'varchar', length: '32' },
        ],
        indices: [{ name: 'IDX_enrichment_keys_value', columnNames: ['kind', 'value'] }],
        foreignKeys: [
          {
            columnNames: ['indicator_id'],
            referencedTableName: 'indicators',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    )
    await q.createTable(
      new Table({
        name: 'scan_jobs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'status', type: 'varchar', length: '16', default: "'queued'" },
          // A sentence for lists ("3 indicators", "query: type ip, score ≥ 70"), and the input to resume.
          { name: 'target', type: 'varchar', length: '500' },
          text('input'),
          text('providers'),
          { name: 'actor', type: 'varchar', length: '200' },
          { name: 'indicators_total', type: 'integer', isNullable: true },
          { name: 'indicators_processed', type: 'integer', default: 0 },
          { name: 'new_threats', type: 'integer', default: 0 },
          { name: 'alerts_triggered', type: 'integer', default: 0 },
          { name: 'errors', type: 'integer', default: 0 },
          text('error_samples'),
          ts('created_at'),
          ts('started_at', true),
          ts('finished_at', true),
          { name: 'duration_ms', type: 'integer', isNullable: true },
        ],
        indices: [
          { name: 'IDX_scan_jobs_created', columnNames: ['created_at', 'id'] },
          { name: 'IDX_scan_jobs_status', columnNames: ['status'] },
        ],
      }),
    )
    // Plain ALTER TABLE, as in 0004 and 0010: TypeORM's addColumn rebuilds a SQLite table and renumbers the
    // rowids that observations and the search index key on.
    await q.query('ALTER TABLE indicators ADD COLUMN enrichment_signal text')
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE indicators DROP COLUMN enrichment_signal')
    await q.dropTable('scan_jobs', true)
    await q.dropTable('enrichment_keys', true)
    await q.dropTable('enrichment_usage', true)
    await q.dropTable('enrichment_cache', true)
    await q.dropTable('enrichment_results', true)
  }
}
