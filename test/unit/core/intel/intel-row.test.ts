import { describe, expect, it } from 'vitest'
import { mergeRelationship, type RelationshipRow } from '#core/intel/intel-relationships'
import { rowToEntity, type IntelRow } from '#core/intel/intel-row'
import { nameKeysOf } from '#core/intel/intel.repository'

const T = '2025-01-01T00:00:00.000Z'

const row = (over: Partial<IntelRow>): IntelRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'vulnerability',
  name: 'V',
  name_key: 'v',
  aliases: '[]',
  description: '',
  stix_id: null,
  project_id: null,
  tlp: 'clear',
  severity: null,
  confidence: null,
  first_seen: null,
  last_seen: null,
  techniques: '[]',
  sources: '[]',
  details: '{}',
  created_at: T,
  updated_at: T,
  ...over,
})

describe('rowToEntity', () => {
  it('keeps every valid detail of an imported row and defaults only the field it cannot read', () => {
    const e = rowToEntity(
      row({
        details: JSON.stringify({ cveId: 'CVE-2024-3400', cvssScore: 99, patchAvailable: true }),
      }),
    )
    expect(e.details).toMatchObject({
      cveId: 'CVE-2024-3400',
      cvssScore: null,
      patchAvailable: true,
    })
  })

  it('reads broken JSON columns as empty and an unknown TLP as amber (never looser)', () => {
    const e = rowToEntity(row({ aliases: 'not json', details: '[1]', tlp: 'white' }))
    expect(e.aliases).toEqual([])
    expect(e.tlp).toBe('amber')
    expect(e.kind === 'vulnerability' && e.details.exploitAvailable).toBe(false)
  })
})

describe('nameKeysOf', () => {
  it('folds the name and aliases once each, dropping ones with nothing left', () => {
    expect(nameKeysOf('APT_28', ['apt 28', 'Fancy-Bear', '--'])).toEqual(['apt 28', 'fancy bear'])
  })
})

describe('mergeRelationship', () => {
  const have: RelationshipRow = {
    id: 'r',
    relationship_type: 'uses',
    source_ref: 'a',
    source_kind: 'threat-actor',
    target_ref: 'b',
    target_kind: 'malware',
    description: '',
    source: 'feed-a',
    confidence: 50,
    first_seen: '2025-02-01T00:00:00Z',
    last_seen: '2025-03-01T00:00:00Z',
    stix_id: null,
    created_at: T,
    updated_at: T,
  }
  it('unions sources, keeps the higher confidence and widens the seen window', () => {
    const next = mergeRelationship(
      have,
      {
        description: 'said',
        source: 'feed-b',
        confidence: 30,
        first_seen: '2025-01-15T00:00:00Z',
        last_seen: '2025-02-15T00:00:00Z',
      },
      '2025-06-01T00:00:00.000Z',
    )
    expect(next).toMatchObject({
      description: 'said',
      source: 'feed-a, feed-b',
      confidence: 50,
      first_seen: '2025-01-15T00:00:00Z',
      last_seen: '2025-03-01T00:00:00Z',
      updated_at: '2025-06-01T00:00:00.000Z',
    })
  })
  it('returns the same row when the edge is said again with nothing new', () => {
    const same = mergeRelationship(
      have,
      { description: '', source: 'feed-a', confidence: null, first_seen: null, last_seen: null },
      '2025-06-01T00:00:00.000Z',
    )
    expect(same).toBe(have)
  })
})
