import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm'

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
export class AddIndicatorSightings1764700000000 implements MigrationInterface {
  name = 'AddIndicatorSightings1764700000000'

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.driver.options.type === 'better-sqlite3'
    const int = (name: string, def: number) =>
      new TableColumn({ name, type: 'integer', default: def })
    await q.addColumns('indicators', [
      int('source_count', 0),
      int('sighting_count', 0),
      int('analyst_fields', 0),
    ])
    await q.addColumns('observations', [
      new TableColumn({ name: 'classification', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'severity', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'event_title', type: 'text', isNullable: true }),
      int('sightings', 1),
      int('last_outcome', 0),
    ])
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
    for (const c of ['last_outcome', 'sightings', 'event_title', 'severity', 'classification'])
      await q.dropColumn('observations', c)
    for (const c of ['analyst_fields', 'sighting_count', 'source_count'])
      await q.dropColumn('indicators', c)
  }
}
