import { describe, expect, it } from 'vitest'
import { CreateIntelEntities1764801600000 } from '#core/db/migrations/0016-create-intel-entities'
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
const version = versionOf(CreateIntelEntities1764801600000)

const NOW = '2026-01-15T10:00:00.000Z'
const ACTOR = '00000000-0000-4000-8000-0000000000a1'
const REPORT = '00000000-0000-4000-8000-0000000000a2'
const INDICATOR = '00000000-0000-4000-8000-0000000000b1'

describe('migration 0016 (intel entities, aliases, techniques, relationships, report objects)', () => {
  it('creates the tables with their keys, cascades entity deletes, and goes back down', async () => {
    const file = tempFile()
    await migrateTo(file, version - 1)
    expect(await migrateTo(file, version)).toEqual(['CreateIntelEntities1764801600000'])
    expect(namesOf(file, 'table')).toEqual(
      expect.arrayContaining([
        'intel_entities',
        'intel_aliases',
        'intel_entity_techniques',
        'intel_relationships',
        'report_objects',
      ]),
    )
    withSqlite(file, (db) => {
      db.pragma('foreign_keys = ON')
      const entity = db.prepare(
        `INSERT INTO intel_entities (id, kind, name, name_key, stix_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      entity.run(ACTOR, 'threat-actor', 'APT28', 'apt28', 'intrusion-set--1', NOW, NOW)
      entity.run(REPORT, 'report', 'Weekly', 'weekly', null, NOW, NOW)
      // One name per kind; the same name under another kind is another thing.
      expect(() =>
        entity.run(
          '00000000-0000-4000-8000-0000000000a3',
          'threat-actor',
          'apt28',
          'apt28',
          null,
          NOW,
          NOW,
        ),
      ).toThrow(/UNIQUE/)
      entity.run(
        '00000000-0000-4000-8000-0000000000a4',
        'malware',
        'APT28',
        'apt28',
        null,
        NOW,
        NOW,
      )
      expect(() =>
        entity.run(
          '00000000-0000-4000-8000-0000000000a5',
          'campaign',
          'X',
          'x',
          'intrusion-set--1',
          NOW,
          NOW,
        ),
      ).toThrow(/UNIQUE/)
      const row = db.prepare(
        'SELECT aliases, techniques, details, tlp FROM intel_entities WHERE id = ?',
      )
      expect(row.get(ACTOR)).toEqual({
        aliases: '[]',
        techniques: '[]',
        details: '{}',
        tlp: 'clear',
      })

      db.prepare(
        `INSERT INTO intel_aliases (entity_id, name_key, kind) VALUES (?, ?, 'threat-actor')`,
      ).run(ACTOR, 'fancy bear')
      db.prepare('INSERT INTO intel_entity_techniques (entity_id, technique_id) VALUES (?, ?)').run(
        ACTOR,
        'T1059.001',
      )
      const edge = db.prepare(
        `INSERT INTO intel_relationships (id, relationship_type, source_ref, source_kind, target_ref,
           target_kind, created_at, updated_at) VALUES (?, 'indicates', ?, 'indicator', ?, 'threat-actor', ?, ?)`,
      )
      edge.run('00000000-0000-4000-8000-0000000000c1', INDICATOR, ACTOR, NOW, NOW)
      expect(() =>
        edge.run('00000000-0000-4000-8000-0000000000c2', INDICATOR, ACTOR, NOW, NOW),
      ).toThrow(/UNIQUE/)
      db.prepare(
        `INSERT INTO report_objects (report_id, object_ref, object_kind, added_at) VALUES (?, ?, 'indicator', ?)`,
      ).run(REPORT, INDICATOR, NOW)

      db.prepare('DELETE FROM intel_entities WHERE id IN (?, ?)').run(ACTOR, REPORT)
      expect(db.prepare('SELECT count(*) FROM intel_aliases').pluck().get()).toBe(0)
      expect(db.prepare('SELECT count(*) FROM intel_entity_techniques').pluck().get()).toBe(0)
      expect(db.prepare('SELECT count(*) FROM report_objects').pluck().get()).toBe(0)
    })
    expect(
      planOf(
        file,
        `SELECT entity_id FROM intel_entity_techniques WHERE technique_id = ?`,
        'T1059',
      ).join(' '),
    ).toMatch(/IDX_intel_entity_techniques_technique/)
    expect(
      planOf(file, `SELECT id FROM intel_relationships WHERE target_ref = ?`, ACTOR).join(' '),
    ).toMatch(/IDX_intel_relationships_target/)

    await revert(file, version)
    for (const table of [
      'intel_entities',
      'intel_aliases',
      'intel_relationships',
      'report_objects',
    ]) {
      expect(namesOf(file, 'table')).not.toContain(table)
    }
  })
})
