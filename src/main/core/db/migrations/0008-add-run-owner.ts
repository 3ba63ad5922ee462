import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * A run records the process that owns it (pid, a per-process instance id since pids are reused, the host)
 * and a heartbeat the owner refreshes while the run is live. A process starting on the same data directory
 * then closes only the runs whose owner is gone, instead of every open run. Runs recorded before this
 * migration have no owner and count as gone. The partial index finds the open runs without reading the
 * whole history (portable: PostgreSQL and SQLite both take the WHERE clause).
 */
export class AddRunOwner1764770000000 implements MigrationInterface {
  name = 'AddRunOwner1764770000000'

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('feed_runs', [
      new TableColumn({ name: 'owner_pid', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'owner_instance', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'owner_host', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'heartbeat_at', type: 'varchar', length: '40', isNullable: true }),
    ])
    await q.createIndex(
      'feed_runs',
      new TableIndex({
        name: 'IDX_feed_runs_open',
        columnNames: ['status'],
        where: "status IN ('queued', 'running')",
      }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('feed_runs', 'IDX_feed_runs_open')
    await q.dropColumn('feed_runs', 'heartbeat_at')
    await q.dropColumn('feed_runs', 'owner_host')
    await q.dropColumn('feed_runs', 'owner_instance')
    await q.dropColumn('feed_runs', 'owner_pid')
  }
}
