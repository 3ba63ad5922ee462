import { describe, expect, it } from 'vitest'
import { CreateAttackCatalogue1764801700000 } from '#core/db/migrations/0017-create-attack-catalogue'
import { INDICATORS_OF_STIX_ID_SQL } from '#core/intel/import/intel-import'
import { ENTITY_BY_ALIAS_SQL } from '#core/intel/import/intel-merge'
import { RUN_OBJECTS_SQL, RUN_OBSERVATIONS_SQL } from '#core/intel/import/intel-import-runs'
import {
  migrateTo,
  namesOf,
  planOf,
  revert,
  useTempDatabaseFile,
  versionOf,
  withSqlite,
} from './migration-support'

const tempFile = useTempDatabaseFile()
const version = versionOf(CreateAttackCatalogue1764801700000)

const NOW = '2026-01-15T10:00:00.000Z'
const ACTOR = '00000000-0000-4000-8000-0000000000a1'
const FEED = '00000000-0000-4000-8000-0000000000f1'
const RUN = '00000000-0000-4000-8000-0000000000e1'

describe('migration 0017 (the imported ATT&CK catalogue, STIX indicator ids, origins, pending refs)', () => {
  it('creates the tables, cascades entity deletes to origins, reads a run through its indexes, goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    expect(await migrateTo(file, version)).toEqual(['CreateAttackCatalogue1764801700000'])
    expect(namesOf(file, 'table')).toEqual(
      expect.arrayContaining([
        'attack_catalogue',
        'intel_stix_indicators',
        'intel_entity_origins',
        'intel_pending_refs',
      ]),
    )
    expect(namesOf(file, 'index')).toContain('IDX_intel_objects_last_run')
    withSqlite(file, (db) => {
      db.pragma('foreign_keys = ON')
      const catalogue = db.prepare(
        'INSERT INTO attack_catalogue (domain, version, source, data, imported_at) VALUES (?, ?, ?, ?, ?)',
      )
      catalogue.run('enterprise-attack', '19.0', 'MITRE', '{}', NOW)
      expect(() => catalogue.run('enterprise-attack', '19.1', 'MITRE', '{}', NOW)).toThrow(/UNIQUE/)
      db.prepare(
        `INSERT INTO intel_entities (id, kind, name, name_key, created_at, updated_at)
         VALUES (?, 'threat-actor', 'APT28', 'apt28', ?, ?)`,
      ).run(ACTOR, NOW, NOW)
      db.prepare(
        'INSERT INTO intel_entity_origins (object_id, entity_id, modified) VALUES (?, ?, ?)',
      ).run('intrusion-set--1', ACTOR, NOW)
      // Another object may not point at a missing entity.
      expect(() =>
        db
          .prepare('INSERT INTO intel_entity_origins (object_id, entity_id) VALUES (?, ?)')
          .run('threat-actor--2', '00000000-0000-4000-8000-0000000000ff'),
      ).toThrow(/FOREIGN KEY/)
      const map = db.prepare(
        'INSERT INTO intel_stix_indicators (stix_id, indicator_id) VALUES (?, ?)',
      )
      map.run('indicator--1', '00000000-0000-4000-8000-0000000000b1')
      map.run('indicator--1', '00000000-0000-4000-8000-0000000000b2')
      expect(() => map.run('indicator--1', '00000000-0000-4000-8000-0000000000b2')).toThrow(
        /UNIQUE/,
      )
      db.prepare('INSERT INTO intel_pending_refs (stix_ref, object_id) VALUES (?, ?)').run(
        'indicator--9',
        'relationship--1',
      )
      db.prepare('DELETE FROM intel_entities WHERE id = ?').run(ACTOR)
      expect(db.prepare('SELECT count(*) FROM intel_entity_origins').pluck().get()).toBe(0)
    })
    expect(planOf(file, RUN_OBJECTS_SQL, RUN, 0, 500).join(' ')).toMatch(
      /IDX_intel_objects_last_run/,
    )
    expect(planOf(file, RUN_OBSERVATIONS_SQL, FEED, RUN, 0, 500).join(' ')).toMatch(
      /IDX_observations_feed/,
    )
    expect(planOf(file, ENTITY_BY_ALIAS_SQL, 'threat-actor', 'apt28').join(' ')).toMatch(
      /IDX_intel_aliases_kind_key/,
    )
    const stixPlan = planOf(file, INDICATORS_OF_STIX_ID_SQL, 'indicator--1').join(' ')
    expect(stixPlan).toMatch(/sqlite_autoindex_intel_stix_indicators/)
    expect(stixPlan).toMatch(/SEARCH i USING COVERING INDEX sqlite_autoindex_indicators/)
    expect(
      planOf(file, 'SELECT entity_id FROM intel_entity_origins WHERE object_id = ?', 'x').join(' '),
    ).toMatch(/sqlite_autoindex_intel_entity_origins/)
    expect(
      planOf(file, 'SELECT object_id FROM intel_pending_refs WHERE stix_ref = ?', 'x').join(' '),
    ).toMatch(/sqlite_autoindex_intel_pending_refs|PRIMARY/)

    await revert(file, version)
    for (const table of [
      'attack_catalogue',
      'intel_stix_indicators',
      'intel_entity_origins',
      'intel_pending_refs',
    ]) {
      expect(namesOf(file, 'table')).not.toContain(table)
    }
    expect(namesOf(file, 'index')).not.toContain('IDX_intel_objects_last_run')
  })
})
