import { describe, expect, it } from 'vitest'
import {
  MAX_LABEL_CHARS,
  RING_SPACING,
  cutLabel,
  emptyGraph,
  facets,
  findNodes,
  mergeNeighbourhood,
  moveNode,
  noFilter,
  removeNode,
  ringPositions,
  visibility,
  type GraphNode,
  type Neighbourhood,
} from '../../../../../src/renderer/src/components/graph/graph-model'

const actor = (ref: string, label = ref): GraphNode => ({
  ref,
  kind: 'threat-actor',
  label,
  tlp: 'amber',
})
const indicator = (ref: string): GraphNode => ({
  ref,
  kind: 'indicator',
  label: `${ref}.example`,
  tlp: 'green',
  score: 50,
})

const star = (center: GraphNode, others: GraphNode[], type = 'uses'): Neighbourhood => ({
  center,
  nodes: others,
  edges: others.map((o) => ({
    id: `${center.ref}-${o.ref}`,
    source: center.ref,
    target: o.ref,
    type,
  })),
  truncated: false,
})

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.hypot(a.x - b.x, a.y - b.y)

describe('ringPositions', () => {
  it('puts every point at least the ring spacing from the others', () => {
    const ps = ringPositions({ x: 10, y: -5 }, 60, null)
    expect(ps).toHaveLength(60)
    for (let i = 0; i < ps.length; i++)
      for (let j = i + 1; j < ps.length; j++)
        expect(dist(ps[i], ps[j])).toBeGreaterThan(RING_SPACING * 0.9)
  })

  it('fans out on the side facing away from where the node was reached from', () => {
    const at = { x: 100, y: 0 }
    const ps = ringPositions(at, 12, { x: 1, y: 0 })
    // Every new point lies to the right of the line through `at` perpendicular to the outward direction,
    // or close to it (a 240° arc reaches 30° behind that line).
    const behind = ps.filter((p) => p.x < at.x - 100)
    expect(behind).toHaveLength(0)
    const mean = ps.reduce((s, p) => s + p.x, 0) / ps.length
    expect(mean).toBeGreaterThan(at.x)
  })
})

describe('mergeNeighbourhood', () => {
  it('adds the centre and places its neighbours around it', () => {
    const r = mergeNeighbourhood(emptyGraph(), star(actor('a'), [indicator('i1'), indicator('i2')]))
    expect(r.addedNodes).toEqual(['a', 'i1', 'i2'])
    expect(r.addedEdges).toEqual(['a-i1', 'a-i2'])
    expect(r.graph.expanded.has('a')).toBe(true)
    const a = r.graph.nodes.get('a')!
    expect(a).toMatchObject({ x: 0, y: 0 })
    expect(dist(a, r.graph.nodes.get('i1')!)).toBeGreaterThan(100)
  })

  it('keeps the place of nodes already on the canvas and places only the new ones', () => {
    const first = mergeNeighbourhood(emptyGraph(), star(actor('a'), [actor('b'), indicator('i1')]))
    const moved = moveNode(first.graph, 'b', { x: 500, y: 500 })
    const before = moved.nodes.get('i1')!
    const second = mergeNeighbourhood(
      moved,
      star(actor('b', 'B renamed'), [actor('a'), indicator('i1'), indicator('i9')]),
    )
    expect(second.addedNodes).toEqual(['i9'])
    expect(second.graph.nodes.get('i1')).toMatchObject({ x: before.x, y: before.y })
    expect(second.graph.nodes.get('b')).toMatchObject({ x: 500, y: 500, label: 'B renamed' })
    // The new node lands around b, not around the origin.
    expect(dist(second.graph.nodes.get('i9')!, { x: 500, y: 500 })).toBeLessThan(300)
    // Every edge named in the answer exists once.
    expect(second.graph.edges.size).toBe(5)
    expect(second.addedEdges).toEqual(['b-a', 'b-i1', 'b-i9'])
  })

  it('places the new neighbours of a reached node on its far side', () => {
    const first = mergeNeighbourhood(emptyGraph(), star(actor('a'), [actor('b')]))
    const b = first.graph.nodes.get('b')!
    const second = mergeNeighbourhood(
      first.graph,
      star(actor('b'), [indicator('x1'), indicator('x2'), indicator('x3')]),
    )
    for (const ref of ['x1', 'x2', 'x3']) {
      const p = second.graph.nodes.get(ref)!
      // Farther from a than b is: the graph grows outwards.
      expect(dist(p, { x: 0, y: 0 })).toBeGreaterThan(dist(b, { x: 0, y: 0 }))
    }
  })

  it('records what the cap left out, and clears it when a later answer is complete', () => {
    const capped = { ...star(actor('a'), [indicator('i1')]), truncated: 40 }
    const r = mergeNeighbourhood(emptyGraph(), capped)
    expect(r.graph.more.get('a')).toBe(40)
    const unknown = mergeNeighbourhood(r.graph, { ...capped, truncated: true })
    expect(unknown.graph.more.get('a')).toBeNull()
    const full = mergeNeighbourhood(unknown.graph, star(actor('a'), [indicator('i1')]))
    expect(full.graph.more.has('a')).toBe(false)
  })

  it('refuses nodes past the graph-wide cap, drops their edges and counts them as more', () => {
    const others = Array.from({ length: 10 }, (_, i) => indicator(`i${i}`))
    const r = mergeNeighbourhood(emptyGraph(), star(actor('a'), others), 4)
    expect(r.graph.nodes.size).toBe(4)
    expect(r.graph.edges.size).toBe(3)
    expect(r.graph.more.get('a')).toBe(7)
  })

  it('cuts hostile labels to plain, bounded text', () => {
    const long = `<img src=x onerror=alert(1)>${'A'.repeat(500)}`
    const r = mergeNeighbourhood(emptyGraph(), star(actor('a', long), []))
    const label = r.graph.nodes.get('a')!.label
    expect([...label]).toHaveLength(MAX_LABEL_CHARS)
    expect(label.endsWith('…')).toBe(true)
    expect(cutLabel('evil\u202Etxt.exe\n')).toBe('evil txt.exe')
  })
})

describe('filters', () => {
  const g = mergeNeighbourhood(emptyGraph(), {
    center: actor('a'),
    nodes: [indicator('i1'), { ref: 'm', kind: 'malware', label: 'Emotet', tlp: 'clear' }],
    edges: [
      { id: 'e1', source: 'a', target: 'i1', type: 'indicates' },
      { id: 'e2', source: 'a', target: 'm', type: 'uses' },
    ],
    truncated: false,
  }).graph

  it('hides the nodes of a hidden kind and every edge touching them', () => {
    const v = visibility(g, { ...noFilter(), hiddenKinds: new Set(['indicator']) })
    expect([...v.hiddenNodes]).toEqual(['i1'])
    expect([...v.hiddenEdges]).toEqual(['e1'])
  })

  it('hides the edges of a hidden relationship type but keeps their nodes', () => {
    const v = visibility(g, { ...noFilter(), hiddenTypes: new Set(['uses']) })
    expect(v.hiddenNodes.size).toBe(0)
    expect([...v.hiddenEdges]).toEqual(['e2'])
  })

  it('offers the kinds and types present, with counts', () => {
    expect(facets(g)).toEqual({
      kinds: [
        ['indicator', 1],
        ['malware', 1],
        ['threat-actor', 1],
      ],
      types: [
        ['indicates', 1],
        ['uses', 1],
      ],
    })
  })

  it('finds visible nodes by label', () => {
    const v = visibility(g, { ...noFilter(), hiddenKinds: new Set(['indicator']) })
    expect(findNodes(g, v, 'emo', 10).map((n) => n.ref)).toEqual(['m'])
    expect(findNodes(g, v, 'i1', 10)).toEqual([])
  })

  it('removes a node with its edges', () => {
    const r = removeNode(g, 'm')
    expect(r.nodes.has('m')).toBe(false)
    expect([...r.edges.keys()]).toEqual(['e1'])
  })
})

describe('showing more of an expanded node', () => {
  it('rings the new neighbours outside the ones it already has', () => {
    const first = Array.from({ length: 30 }, (_, i) => indicator(`a${i}`))
    const r1 = mergeNeighbourhood(emptyGraph(), { ...star(actor('c'), first), truncated: true })
    const ringOne = Math.max(
      ...first.map((n) => dist(r1.graph.nodes.get(n.ref) ?? { x: 0, y: 0 }, { x: 0, y: 0 })),
    )
    const more = Array.from({ length: 40 }, (_, i) => indicator(`b${i}`))
    const r2 = mergeNeighbourhood(r1.graph, star(actor('c'), [...first, ...more]))
    expect(r2.addedNodes).toHaveLength(40)
    for (const n of more)
      expect(dist(r2.graph.nodes.get(n.ref) ?? { x: 0, y: 0 }, { x: 0, y: 0 })).toBeGreaterThan(
        ringOne + RING_SPACING,
      )
  })
})
