import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm'

/**
 * The intel knowledge base (issue 11).
 *
 * - intel_entities: threat actors, campaigns, vulnerabilities, malware families and threat reports in one
 *   table (`kind`), the shared fields as columns and each kind's own fields as JSON in `details`
 *   (src/shared/contract/intel.schemas.ts types them). `name_key` is the folded name (intelNameKey), unique
 *   per kind, so "the same actor" is one row whoever names it. `stix_id` is unique: a re-import of the same
 *   STIX object merges into its row. `aliases`, `techniques` and `sources` are JSON arrays.
 * - intel_aliases: the folded name and every folded alias of each entity, so an import that names an actor
 *   by one of its aliases finds it (not unique: two sources may give two actors one alias; the oldest wins).
 * - intel_entity_techniques: entity × ATT&CK technique, so "every entity using T1059" is an index seek.
 * - intel_relationships: STIX-style typed edges between any two objects, an entity or an indicator (refs are
 *   our ids, `*_kind` says which table). No foreign keys on the refs, as they point into two tables; the
 *   services delete an object's edges with it. Unique (source_ref, relationship_type, target_ref): saying
 *   the same thing again merges (sources, confidence, first/last seen) rather than adding an edge.
 * - report_objects: what a threat report contains (STIX report.object_refs), ordered by position.
 */
export class CreateIntelEntities1764801600000 implements MigrationInterface {
  name = 'CreateIntelEntities1764801600000'

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'intel_entities',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '24' },
          { name: 'name', type: 'varchar', length: '300' },
          { name: 'name_key', type: 'varchar', length: '300' },
          { name: 'aliases', type: 'text', default: `'[]'` },
          { name: 'description', type: 'text', default: `''` },
          { name: 'stix_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'project_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'tlp', type: 'varchar', length: '16', default: `'clear'` },
          { name: 'severity', type: 'varchar', length: '16', isNullable: true },
          { name: 'confidence', type: 'integer', isNullable: true },
          { name: 'first_seen', type: 'varchar', length: '40', isNullable: true },
          { name: 'last_seen', type: 'varchar', length: '40', isNullable: true },
          { name: 'techniques', type: 'text', default: `'[]'` },
          { name: 'sources', type: 'text', default: `'[]'` },
          { name: 'details', type: 'text', default: `'{}'` },
          { name: 'created_at', type: 'varchar', length: '40' },
          { name: 'updated_at', type: 'varchar', length: '40' },
        ],
        indices: [
          {
            name: 'UQ_intel_entities_kind_name',
            columnNames: ['kind', 'name_key'],
            isUnique: true,
          },
          { name: 'UQ_intel_entities_stix_id', columnNames: ['stix_id'], isUnique: true },
          { name: 'IDX_intel_entities_kind_updated', columnNames: ['kind', 'updated_at', 'id'] },
          { name: 'IDX_intel_entities_project', columnNames: ['project_id', 'kind'] },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_intel_entities_project',
            columnNames: ['project_id'],
            referencedTableName: 'projects',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    )
    await q.createTable(
      new Table({
        name: 'intel_aliases',
        columns: [
          { name: 'entity_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name_key', type: 'varchar', length: '300', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '24' },
        ],
        indices: [{ name: 'IDX_intel_aliases_kind_key', columnNames: ['kind', 'name_key'] }],
        foreignKeys: [entityForeignKey('FK_intel_aliases_entity')],
      }),
    )
    await q.createTable(
      new Table({
        name: 'intel_entity_techniques',
        columns: [
          { name: 'entity_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'technique_id', type: 'varchar', length: '16', isPrimary: true },
        ],
        indices: [
          {
            name: 'IDX_intel_entity_techniques_technique',
            columnNames: ['technique_id', 'entity_id'],
          },
        ],
        foreignKeys: [entityForeignKey('FK_intel_entity_techniques_entity')],
      }),
    )
    await q.createTable(
      new Table({
        name: 'intel_relationships',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'relationship_type', type: 'varchar', length: '64' },
          { name: 'source_ref', type: 'varchar', length: '36' },
          { name: 'source_kind', type: 'varchar', length: '24' },
          { name: 'target_ref', type: 'varchar', length: '36' },
          { name: 'target_kind', type: 'varchar', length: '24' },
          { name: 'description', type: 'text', default: `''` },
          { name: 'source', type: 'varchar', length: '300', isNullable: true },
          { name: 'confidence', type: 'integer', isNullable: true },
          { name: 'first_seen', type: 'varchar', length: '40', isNullable: true },
          { name: 'last_seen', type: 'varchar', length: '40', isNullable: true },
          { name: 'stix_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '40' },
          { name: 'updated_at', type: 'varchar', length: '40' },
        ],
        indices: [
          {
            name: 'UQ_intel_relationships_edge',
            columnNames: ['source_ref', 'relationship_type', 'target_ref'],
            isUnique: true,
          },
          {
            name: 'IDX_intel_relationships_target',
            columnNames: ['target_ref', 'relationship_type'],
          },
          { name: 'UQ_intel_relationships_stix_id', columnNames: ['stix_id'], isUnique: true },
        ],
      }),
    )
    await q.createTable(
      new Table({
        name: 'report_objects',
        columns: [
          { name: 'report_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'object_ref', type: 'varchar', length: '36', isPrimary: true },
          { name: 'object_kind', type: 'varchar', length: '24' },
          { name: 'position', type: 'integer', default: 0 },
          { name: 'added_at', type: 'varchar', length: '40' },
        ],
        indices: [
          { name: 'IDX_report_objects_ref', columnNames: ['object_ref'] },
          {
            name: 'IDX_report_objects_order',
            columnNames: ['report_id', 'object_kind', 'position'],
          },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'FK_report_objects_report',
            columnNames: ['report_id'],
            referencedTableName: 'intel_entities',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    )
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_objects', true)
    await q.dropTable('intel_relationships', true)
    await q.dropTable('intel_entity_techniques', true)
    await q.dropTable('intel_aliases', true)
    await q.dropTable('intel_entities', true)
  }
}

const entityForeignKey = (name: string): TableForeignKey =>
  new TableForeignKey({
    name,
    columnNames: ['entity_id'],
    referencedTableName: 'intel_entities',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
  })
