import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * Projects get the seed's `tags` (a JSON list of strings) and `settings` (a JSON object), both as text like
 * the indicators' lists in 0001, so the same columns work on PostgreSQL. Existing projects get the empty
 * values; nothing else changes.
 */
export class AddProjectTagsSettings1763683800000 implements MigrationInterface {
  name = 'AddProjectTagsSettings1763683800000'

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('projects', [
      new TableColumn({ name: 'tags', type: 'text', default: "'[]'" }),
      new TableColumn({ name: 'settings', type: 'text', default: "'{}'" }),
    ])
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('projects', 'settings')
    await q.dropColumn('projects', 'tags')
  }
}
