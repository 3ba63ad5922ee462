import { Table, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * The triage queue (issue 10): saved views, and the two indexes that make the queue an index walk.
 *
 * - triage_views: a named set of queue filters (JSON text), the name unique.
 * - IDX_alerts_triage: alerts not resolved, in the queue's order (severity, score with no score as -1,
 *   created_at, id). The queue spans two statuses, and an index led by status cannot give one order over
 *   two of its values; a partial index on `status <> 'resolved'` can, and stays as small as the queue.
 *   The score is an expression so that alerts without one sort last with no NULL in the keyset.
 * - IDX_incidents_triage: incidents open or escalated, in the queue's order (severity, last_seen, id).
 * Both partial indexes and the expression are plain SQL that PostgreSQL runs too. The queries must repeat
 * the predicate `status <> 'resolved'` verbatim for SQLite to use them.
 */
export class CreateTriageViews1764801500000 implements MigrationInterface {
  name = 'CreateTriageViews1764801500000'

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'triage_views',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'filter', type: 'text', default: `'{}'` },
          { name: 'created_at', type: 'varchar', length: '40' },
          { name: 'updated_at', type: 'varchar', length: '40' },
        ],
        indices: [{ name: 'UQ_triage_views_name', columnNames: ['name'], isUnique: true }],
      }),
    )
    await q.query(
      `CREATE INDEX "IDX_alerts_triage" ON "alerts" ("severity", (COALESCE("score", -1)), "created_at", "id")
       WHERE "status" <> 'resolved'`,
    )
    await q.query(
      `CREATE INDEX "IDX_incidents_triage" ON "incidents" ("severity", "last_seen", "id")
       WHERE "status" <> 'resolved'`,
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "IDX_incidents_triage"')
    await q.query('DROP INDEX "IDX_alerts_triage"')
    await q.dropTable('triage_views', true)
  }
}
