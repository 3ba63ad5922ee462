import { describe, expect, it } from 'vitest'
import type { Neighbourhood } from '../../../../../src/renderer/src/components/graph/graph-model'
import { createGraphStore } from '../../../../../src/renderer/src/components/graph/graph.store'

const indicator = (ref: string, label = ref) =>
  ({ ref, kind: 'indicator', label, tlp: 'green', score: 40 }) as const

/** What intel.neighbours answers for the center: one actor, and more left out. */
const fromCore: Neighbourhood = {
  center: indicator('i1', '45.155.205[.]10'),
  nodes: [{ ref: 'a1', kind: 'threat-actor', label: 'APT Test', tlp: 'clear' }],
  edges: [{ id: 'r1', source: 'a1', target: 'i1', type: 'uses' }],
  truncated: 7,
}

describe('graph store: starting with peers', () => {
  it("places the peers around the center after the core's neighbours, keeping the core's label and 'more'", async () => {
    const store = createGraphStore(async (ref) => {
      if (ref !== 'i1') throw new Error(`unexpected ${ref}`)
      return fromCore
    }, String)
    await store.getState().start('i1', {
      center: indicator('i1', 'a label that must not win'),
      nodes: [indicator('i2'), indicator('i3')],
      edges: [
        { id: 'pivot:same AS:i1:i2', source: 'i1', target: 'i2', type: 'same AS' },
        { id: 'pivot:same AS:i1:i3', source: 'i1', target: 'i3', type: 'same AS' },
      ],
      truncated: false,
    })
    const { graph, selected } = store.getState()
    expect([...graph.nodes.keys()].sort()).toEqual(['a1', 'i1', 'i2', 'i3'])
    expect(graph.nodes.get('i1')?.label).toBe('45.155.205[.]10')
    expect([...graph.edges.keys()].sort()).toEqual([
      'pivot:same AS:i1:i2',
      'pivot:same AS:i1:i3',
      'r1',
    ])
    expect(graph.more.get('i1')).toBe(7)
    expect(selected).toBe('i1')
    // The peers do not sit on top of the actor.
    const at = (ref: string) => graph.nodes.get(ref)
    expect(at('i2')?.x === at('a1')?.x && at('i2')?.y === at('a1')?.y).toBe(false)
  })

  it('adds no peers to a graph started anew meanwhile', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const store = createGraphStore(async (ref) => {
      if (ref === 'i1') await gate
      return { ...fromCore, center: indicator(ref), nodes: [], edges: [], truncated: false }
    }, String)
    const first = store.getState().start('i1', {
      center: indicator('i1'),
      nodes: [indicator('i2')],
      edges: [{ id: 'p', source: 'i1', target: 'i2', type: 'same AS' }],
      truncated: false,
    })
    await store.getState().start('x9')
    release()
    await first
    expect([...store.getState().graph.nodes.keys()]).toEqual(['x9'])
  })
})
