import { describe, expect, it } from 'vitest'
import { mispEventToItems } from '#core/feeds/formats/index'

const A = '11111111-2222-4333-8444-555555555555'
const B = '66666666-7777-4888-9999-aaaaaaaaaaaa'

const eventWith = (relations: unknown) => ({
  Event: {
    uuid: '5e2a1c3b-0000-4000-8000-000000000009',
    info: 'relations',
    Attribute: [],
    Galaxy: [
      {
        uuid: '698774c7-8022-42c4-917f-8d6e4f06ada3',
        type: 'threat-actor',
        name: 'Threat Actor',
        GalaxyCluster: [
          {
            uuid: A,
            type: 'threat-actor',
            value: 'APT28',
            tag_name: 'misp-galaxy:threat-actor="APT28"',
            GalaxyClusterRelation: relations,
          },
        ],
      },
    ],
  },
})

const relationsOf = (doc: unknown): unknown => {
  const cluster = mispEventToItems(doc).find(
    (i) => i.kind === 'object' && i.object.id === `misp-galaxy-cluster--${A}`,
  )
  if (cluster?.kind !== 'object') throw new Error('no cluster object')
  return (cluster.object.data as { relations?: unknown }).relations
}

describe('misp-event galaxy cluster relations', () => {
  it('keeps a cluster relation by the referenced uuid and the relationship type', () => {
    const rel = {
      galaxy_cluster_uuid: A,
      referenced_galaxy_cluster_uuid: B.toUpperCase(),
      referenced_galaxy_cluster_type: 'uses',
    }
    expect(relationsOf(eventWith([rel]))).toEqual([{ type: 'uses', target: B }])
  })

  it('drops malformed relations and bounds their number', () => {
    const bad = [
      { referenced_galaxy_cluster_uuid: 'not-a-uuid', referenced_galaxy_cluster_type: 'uses' },
      { referenced_galaxy_cluster_uuid: B, referenced_galaxy_cluster_type: 'Uses Badly' },
      { referenced_galaxy_cluster_uuid: B },
      'text',
    ]
    expect(relationsOf(eventWith(bad))).toBeUndefined()
    const many = Array.from({ length: 1000 }, () => ({
      referenced_galaxy_cluster_uuid: B,
      referenced_galaxy_cluster_type: 'uses',
    }))
    expect(relationsOf(eventWith(many))).toHaveLength(200)
    expect(relationsOf(eventWith('nope'))).toBeUndefined()
  })
})
