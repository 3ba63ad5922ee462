import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
} from 'typeorm'

/**
 * ATT&CK offline and the import of raw intel into the knowledge base (issue 11).
 *
 * - attack_catalogue: the enterprise-attack bundle the user imported, as the compact catalogue
 *   (src/main/core/attack/attack-catalogue.ts), one row per ATT&CK domain; none means the built-in one.
 *   In the database, not a file, so a team server's clients share it.
 * - intel_stix_indicators: which of our indicators a STIX indicator object produced (its pattern may
 *   name several values), read from the observations of the run that imported it, so relationships and
 *   reports that name the STIX id reach our indicators.
 * - intel_entity_origins: the raw objects (a STIX id, a MISP galaxy cluster) merged into each entity, with
 *   their `modified`: any of them resolves to the entity, the newest decides its fields, and merging the
 *   same version again is a no-op.
 * - intel_pending_refs: a STIX id that a relationship or report (the raw object `object_id`) names and
 *   that no import has brought yet; resolved when it arrives.
 * - IDX_intel_objects_last_run: the objects a run stored, read once the run finished.
 */
export class CreateAttackCatalogue1764801700000 implements MigrationInterface {
  name = 'CreateAttackCatalogue1764801700000'

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'attack_catalogue',
        columns: [
          { name: 'domain', type: 'varchar', length: '40', isPrimary: true },
          { name: 'version', type: 'varchar', length: '40' },
          { name: 'source', type: 'text' },
          { name: 'data', type: 'text' },
          { name: 'imported_at', type: 'varchar', length: '40' },
        ],
      }),
    )
    await q.createTable(
      new Table({
        name: 'intel_stix_indicators',
        columns: [
          { name: 'stix_id', type: 'varchar', length: '200', isPrimary: true },
          { name: 'indicator_id', type: 'varchar', length: '36', isPrimary: true },
        ],
        indices: [{ name: 'IDX_intel_stix_indicators_indicator', columnNames: ['indicator_id'] }],
      }),
    )
    await q.createTable(
      new Table({
        name: 'intel_entity_origins',
        columns: [
          { name: 'object_id', type: 'varchar', length: '200', isPrimary: true },
          { name: 'entity_id', type: 'varchar', length: '36' },
          { name: 'modified', type: 'varchar', length: '40', isNullable: true },
        ],
        indices: [{ name: 'IDX_intel_entity_origins_entity', columnNames: ['entity_id'] }],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_intel_entity_origins_entity',
            columnNames: ['entity_id'],
            referencedTableName: 'intel_entities',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    )
    await q.createTable(
      new Table({
        name: 'intel_pending_refs',
        columns: [
          { name: 'stix_ref', type: 'varchar', length: '200', isPrimary: true },
          { name: 'object_id', type: 'varchar', length: '200', isPrimary: true },
        ],
        indices: [{ name: 'IDX_intel_pending_refs_object', columnNames: ['object_id'] }],
      }),
    )
    await q.createIndex(
      'intel_objects',
      new TableIndex({ name: 'IDX_intel_objects_last_run', columnNames: ['last_run_id'] }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('intel_objects', 'IDX_intel_objects_last_run')
    await q.dropTable('intel_pending_refs', true)
    await q.dropTable('intel_entity_origins', true)
    await q.dropTable('intel_stix_indicators', true)
    await q.dropTable('attack_catalogue', true)
  }
}
