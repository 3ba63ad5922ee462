import {
  Table,
  TableForeignKey,
  TableIndex,
  TableUnique,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm'

/**
 * Projects, indicators, settings and (SQLite only) the indicator search index.
 *
 * Portable Table API: the same schema runs on PostgreSQL (test/integration/db/migration-postgres.test.ts).
 * Timestamps are ISO-8601 text from `Date#toISOString()` (so text order is time order), JSON lists are
 * text, booleans are `boolean` (0/1 on SQLite), ids are UUID strings.
 *
 * Indexes, and why there are so few (the measurements are in docs/performance.md): an index on a random key
 * (last_seen from feeds) costs microseconds of every imported row, and random-key indexes have most of their
 * pages rewritten at every batch commit. So only:
 * - the primary key, the id: it is UUIDv5 of (type, canonical value) (src/shared/domain/indicator-id.ts),
 *   so it is also the uniqueness of (type, value), the upsert key and the lookup (which computes the id).
 *   There is deliberately no UNIQUE(type, value): it was a second random-key index on the same fact. The
 *   price: every writer must use the deterministic id (the bulk writer and the service do; the bulk writer
 *   refuses any other), and a `type` filter or per-type count walks the table or another index instead of a
 *   (type, ...) prefix (type has a dozen values: such an index would select a small part of the table, no
 *   better than the sort index it competes with);
 * - updated_at: the default sort and `recent`; an import writes one value per batch, so new entries append;
 * - last_seen: the analysts' usual sort ("what is active now");
 * - score: the risk sort; only 101 distinct values, so inserts land at 101 places, not at random;
 * - project_id, partial (IS NOT NULL): project filters, stats and the ON DELETE SET NULL, at no cost for
 *   the many indicators without a project.
 * Other sorts (severity, confidence, first seen, value, type, created) scan and sort: correct, slower.
 *
 * Search index (SQLite only): FTS5 over value, tags and description, each setting chosen by measuring the
 * CPU time per imported row and the query times (docs/performance.md):
 * - No per-row triggers: FTS5 flushes its in-memory term buffer at every savepoint, and a trigger runs in a
 *   statement savepoint, so a trigger wrote one tiny segment per row. The writers feed the index themselves,
 *   once per batch.
 * - Contentless (content='') with contentless_delete=1: the text already lives in `indicators`; a
 *   second copy would double the I/O. Rows are deleted by rowid, without the old text.
 * - detail=full (positions): no dearer to ingest than detail=none/column, it allows phrase queries, which
 *   give substring semantics at word starts ('evil-corp' = "evil corp"*, '203.0.113.' = "203 0 113"), and it
 *   queries faster.
 * - unicode61 tokenizer, not trigram: trigram costs more per row for mid-word matches ('vil-cor') that
 *   analysts rarely type.
 * - prefix='1 2': an IP prefix ends in a short number ('185.9', '45.1'); a 1-2 character prefix otherwise
 *   expands to thousands of index terms (hash words start with every digit).
 * - hashsize 4 MiB (default 1 MiB): fewer, larger segments per batch, so less merge work (larger measured
 *   the same and costs more memory).
 * - automerge 0 (default 4): segments are merged only when 16 pile up on a level (crisismerge), so each
 *   entry is rewritten about log16(n) times instead of log4(n), with search times unchanged; a query reads
 *   at most 15 segments per level. The bulk importer feeds the index once per transaction (one segment per
 *   4 MiB of text), which keeps the number of small segments down.
 * The index keeps the rowid of `indicators`, which is why that table must never become WITHOUT ROWID.
 * Since 0003 the index lives in its own file, built by a worker thread from a log: the settings above still
 * apply there (src/main/core/db/search/search-file.ts); 'the writers feed it' now means they append to the log.
 */
export class CreateIndicators1763683200000 implements MigrationInterface {
  name = 'CreateIndicators1763683200000'

  async up(q: QueryRunner): Promise<void> {
    const uuid = (name: string, nullable = false) =>
      ({ name, type: 'varchar', length: '36', isNullable: nullable }) as const
    const ts = (name: string, nullable = false) =>
      ({ name, type: 'varchar', length: '40', isNullable: nullable }) as const
    const short = (name: string, def: string) =>
      ({ name, type: 'varchar', length: '16', default: `'${def}'` }) as const
    const int = (name: string, def: number) => ({ name, type: 'integer', default: def }) as const
    const jsonList = (name: string) => ({ name, type: 'text', default: "'[]'" }) as const

    await q.createTable(
      new Table({
        name: 'projects',
        columns: [
          { ...uuid('id'), isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'text', default: "''" },
          { name: 'archived', type: 'boolean', default: false },
          ts('created_at'),
          ts('updated_at'),
        ],
        uniques: [new TableUnique({ name: 'UQ_projects_name', columnNames: ['name'] })],
      }),
    )

    await q.createTable(
      new Table({
        name: 'indicators',
        columns: [
          { ...uuid('id'), isPrimary: true },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'value', type: 'text' },
          short('classification', 'unknown'),
          int('confidence', 50),
          short('severity', 'medium'),
          int('severity_rank', 2),
          int('score', 50),
          short('risk_level', 'medium'),
          short('tlp', 'amber'),
          ts('first_seen', true),
          ts('last_seen', true),
          { name: 'description', type: 'text', default: "''" },
          jsonList('tags'),
          jsonList('mitre_tactics'),
          jsonList('mitre_techniques'),
          { name: 'active', type: 'boolean', default: true },
          { name: 'false_positive', type: 'boolean', default: false },
          { name: 'enrichment', type: 'text', isNullable: true },
          uuid('project_id', true),
          ts('created_at'),
          ts('updated_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_indicators_project',
            columnNames: ['project_id'],
            referencedTableName: 'projects',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    )
    for (const index of [
      new TableIndex({ name: 'IDX_indicators_updated_at', columnNames: ['updated_at'] }),
      new TableIndex({ name: 'IDX_indicators_last_seen', columnNames: ['last_seen'] }),
      new TableIndex({ name: 'IDX_indicators_score', columnNames: ['score'] }),
      new TableIndex({
        name: 'IDX_indicators_project',
        columnNames: ['project_id'],
        where: 'project_id IS NOT NULL',
      }),
    ]) {
      await q.createIndex('indicators', index)
    }

    await q.createTable(
      new Table({
        name: 'settings',
        columns: [
          { name: 'key', type: 'varchar', length: '100', isPrimary: true },
          { name: 'value', type: 'text' },
          ts('updated_at'),
        ],
      }),
    )

    if (q.connection.driver.options.type === 'better-sqlite3') {
      await q.query(
        `CREATE VIRTUAL TABLE indicators_fts USING fts5(value, tags, description, content='', contentless_delete=1, prefix='1 2', tokenize='unicode61 remove_diacritics 2')`,
      )
      await q.query(`INSERT INTO indicators_fts(indicators_fts, rank) VALUES ('hashsize', 4194304)`)
      await q.query(`INSERT INTO indicators_fts(indicators_fts, rank) VALUES ('automerge', 0)`)
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'better-sqlite3') {
      await q.query('DROP TABLE IF EXISTS indicators_fts')
    }
    for (const t of ['settings', 'indicators', 'projects']) await q.dropTable(t, true)
  }
}
