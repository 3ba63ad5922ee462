import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * Sighting figures on the indicator, what a source said about it kept on its observation, and the fields an
 * analyst set by hand.
 *
 * indicators:
 * - source_count: distinct sources that reported the indicator (its observations); sighting_count: how
 *   often they did, counting a source's re-observation only when it reported something new (a later
 *   last_seen, another malware family...): a feed re-run that repeats itself counts nothing. Both are kept
 *   by the bulk writer in the import's transaction, so list sorts and filters read a column, not a join.
 *   One index each: an import inserts every new row with the same figures (1, 1), so the new entries land
 *   together after the existing ones of that key and cost little.
 * - analyst_fields: a bit set of the fields an analyst edited (indicators.update); a feed never overwrites
 *   them (bits in src/main/core/db/bulk/indicator-merge.ts).
 * observations:
 * - classification, severity, event_title: what the source stated (a blocklist says malicious, MISP's
 *   threat level, a MISP event's info or a STIX report's name);
 * - sightings: this source's count; last_outcome: what the bulk writer's last upsert of the row did (bits:
 *   src/main/core/db/bulk/observation-bulk.ts), a small integer rather than run ids to keep the rows that
 *   every import writes short.
 * Existing observations count as one sighting each (backfilled).
 */
export class AddIndicatorSightings1763683500000 implements MigrationInterface {
  name = 'AddIndicatorSightings1763683500000'

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.driver.options.type === 'better-sqlite3'
    // Plain ALTER TABLE, on both databases: TypeORM's addColumn rebuilds a SQLite table (copy, drop,
    // rename), which renumbers rowids (observations and the search index key on them) and drops the
    // indicators' delete trigger (0002). A constant default is all SQLite's ADD COLUMN needs.
    const add = (table: string, column: string) =>
      q.query(`ALTER TABLE ${table} ADD COLUMN ${column}`)
    await add('indicators', 'source_count integer NOT NULL DEFAULT 0')
    await add('indicators', 'sighting_count integer NOT NULL DEFAULT 0')
    await add('indicators', 'analyst_fields integer NOT NULL DEFAULT 0')
    await add('observations', 'classification varchar(16)')
    await add('observations', 'severity varchar(16)')
    await add('observations', 'event_title text')
    await add('observations', 'sightings integer NOT NULL DEFAULT 1')
    await add('observations', 'last_outcome integer NOT NULL DEFAULT 0')
    // SQLite keys observations by the indicator's rowid (0002), PostgreSQL by its id.
    const match = sqlite
      ? 'observations.indicator_rowid = indicators.rowid'
      : 'observations.indicator_id = indicators.id'
    await q.query(`UPDATE indicators SET
      source_count = (SELECT count(*) FROM observations WHERE ${match}),
      sighting_count = (SELECT count(*) FROM observations WHERE ${match})
      WHERE EXISTS (SELECT 1 FROM observations WHERE ${match})`)
    await q.createIndex(
      'indicators',
      new TableIndex({ name: 'IDX_indicators_source_count', columnNames: ['source_count'] }),
    )
    await q.createIndex(
      'indicators',
      new TableIndex({ name: 'IDX_indicators_sighting_count', columnNames: ['sighting_count'] }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('indicators', 'IDX_indicators_sighting_count')
    await q.dropIndex('indicators', 'IDX_indicators_source_count')
    // DROP COLUMN in place (SQLite 3.35+), for the same reason as ADD COLUMN above.
    for (const c of ['last_outcome', 'sightings', 'event_title', 'severity', 'classification'])
      await q.query(`ALTER TABLE observations DROP COLUMN ${c}`)
    for (const c of ['analyst_fields', 'sighting_count', 'source_count'])
      await q.query(`ALTER TABLE indicators DROP COLUMN ${c}`)
  }
}
