import type { IntelRefKind } from '#shared/contract/intel.schemas'
import type { Tlp } from '#shared/domain/enums'

/**
 * The pivot graph as data, without cytoscape: what is on the canvas, where each node sits, which nodes were
 * expanded and what an expansion left out. Pure functions over immutable maps, so the merge and the filters
 * are tested without a canvas and the store swaps whole states.
 */

export type GraphNode = {
  ref: string
  kind: IntelRefKind
  label: string
  tlp: Tlp
  score?: number | null
}

export type GraphEdge = { id: string; source: string; target: string; type: string }

/** One answer of `intel.neighbours`: a node, its neighbours and the edges between them. */
export type Neighbourhood = {
  center: GraphNode
  nodes: GraphNode[]
  edges: GraphEdge[]
  /** More neighbours exist than were returned: true, or how many were left out when the core counts them. */
  truncated: boolean | number
}

export type Point = { x: number; y: number }
export type PlacedNode = GraphNode & Point

export type GraphData = {
  nodes: ReadonlyMap<string, PlacedNode>
  edges: ReadonlyMap<string, GraphEdge>
  /** Nodes whose neighbours were fetched. */
  expanded: ReadonlySet<string>
  /** Per expanded node, what the cap left out: a count, or null when the core only said "more". */
  more: ReadonlyMap<string, number | null>
}

export const emptyGraph = (): GraphData => ({
  nodes: new Map(),
  edges: new Map(),
  expanded: new Set(),
  more: new Map(),
})

/** Labels come from feeds: drawn as canvas text (never HTML), and cut so one cannot cover the canvas. */
export const MAX_LABEL_CHARS = 48

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

export const cutLabel = (label: string): string => {
  // Control characters (bidi overrides included) would reorder or hide the text around them.
  const flat = label.replace(CONTROL_CHARS, ' ')
  const chars = [...flat.trim()]
  return chars.length > MAX_LABEL_CHARS
    ? `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…`
    : chars.join('')
}

/** Distance between neighbours on a ring, in model units (cytoscape pixels at zoom 1). */
export const RING_SPACING = 56
const FIRST_RING_RADIUS = 140
const RING_GAP = 90

/**
 * Where `count` new neighbours of a node at `at` go: on rings around it, each ring as full as its
 * circumference allows. When the node has an "inward" direction (the neighbours it was reached from), the new
 * ones fan out on the far side, so the expansion grows the graph outwards instead of over what is there.
 * `beyond` starts the rings past that radius (a node shown more of keeps its first rings).
 */
export const ringPositions = (
  at: Point,
  count: number,
  away: Point | null,
  beyond = 0,
): Point[] => {
  const out: Point[] = []
  const first = beyond > 0 ? Math.max(FIRST_RING_RADIUS, beyond + RING_GAP) : FIRST_RING_RADIUS
  // The open side: a 240° arc facing away from where the node was reached from, or the whole circle.
  const arc = away === null ? Math.PI * 2 : (Math.PI * 4) / 3
  const facing = away === null ? 0 : Math.atan2(away.y, away.x)
  let ring = 0
  while (out.length < count) {
    const radius = first + ring * RING_GAP
    const capacity = Math.max(1, Math.floor((arc * radius) / RING_SPACING))
    const here = Math.min(capacity, count - out.length)
    for (let i = 0; i < here; i++) {
      // A full circle spreads `here` points evenly; an arc centres them on the facing direction.
      const t =
        away === null
          ? (i / here) * arc
          : facing - ((here - 1) * (arc / capacity)) / 2 + i * (arc / capacity)
      out.push({ x: at.x + radius * Math.cos(t), y: at.y + radius * Math.sin(t) })
    }
    ring++
  }
  return out
}

/** The direction from the neighbours a node already has towards the node: where its new ones should go. */
const outwardOf = (g: GraphData, ref: string): Point | null => {
  const at = g.nodes.get(ref)
  if (at === undefined) return null
  let x = 0
  let y = 0
  let n = 0
  for (const e of g.edges.values()) {
    const other = e.source === ref ? e.target : e.target === ref ? e.source : null
    const p = other === null ? undefined : g.nodes.get(other)
    if (p === undefined || other === ref) continue
    x += p.x
    y += p.y
    n++
  }
  if (n === 0) return null
  const dx = at.x - x / n
  const dy = at.y - y / n
  return Math.hypot(dx, dy) < 1e-6 ? null : { x: dx, y: dy }
}

/** How far the node's farthest neighbour on the canvas is (0 without any). */
const farthestNeighbour = (g: GraphData, ref: string): number => {
  const at = g.nodes.get(ref)
  if (at === undefined) return 0
  let max = 0
  for (const e of g.edges.values()) {
    const other = e.source === ref ? e.target : e.target === ref ? e.source : null
    const p = other === null || other === ref ? undefined : g.nodes.get(other)
    if (p !== undefined) max = Math.max(max, Math.hypot(p.x - at.x, p.y - at.y))
  }
  return max
}

export type MergeResult = {
  graph: GraphData
  /** The refs of the nodes this merge added (the only ones the canvas must place). */
  addedNodes: string[]
  addedEdges: string[]
}

/**
 * Merges an expansion into the graph. Nodes already on the canvas keep their place (and get the fresher
 * label); only the new ones are placed, around the expanded node. A graph already at `maxNodes` takes no
 * more nodes, and the ones refused count towards the node's "more".
 */
export const mergeNeighbourhood = (
  g: GraphData,
  n: Neighbourhood,
  maxNodes = Number.POSITIVE_INFINITY,
): MergeResult => {
  const nodes = new Map(g.nodes)
  const edges = new Map(g.edges)
  const addedNodes: string[] = []
  const addedEdges: string[] = []
  const center = n.center.ref
  const existing = nodes.get(center)
  const centerAt: Point = existing ?? { x: 0, y: 0 }
  nodes.set(center, { ...sanitise(n.center), x: centerAt.x, y: centerAt.y })
  if (existing === undefined) addedNodes.push(center)

  const fresh: GraphNode[] = []
  const seen = new Set<string>()
  let refused = 0
  for (const node of n.nodes) {
    if (node.ref === center || seen.has(node.ref)) continue
    seen.add(node.ref)
    const have = nodes.get(node.ref)
    if (have !== undefined) nodes.set(node.ref, { ...sanitise(node), x: have.x, y: have.y })
    else if (nodes.size + fresh.length < maxNodes) fresh.push(node)
    else refused++
  }
  // A node expanded before ("Show more") rings its new neighbours around the ones it has; a node reached
  // from elsewhere fans them out away from where it was reached from.
  const again = g.expanded.has(center)
  const positions = again
    ? ringPositions(centerAt, fresh.length, null, farthestNeighbour(g, center))
    : ringPositions(centerAt, fresh.length, outwardOf(g, center))
  fresh.forEach((node, i) => {
    const p = positions[i] ?? centerAt
    nodes.set(node.ref, { ...sanitise(node), x: p.x, y: p.y })
    addedNodes.push(node.ref)
  })
  for (const e of n.edges) {
    // An edge to a node the cap refused would dangle.
    if (edges.has(e.id) || !nodes.has(e.source) || !nodes.has(e.target)) continue
    edges.set(e.id, e)
    addedEdges.push(e.id)
  }
  const more = new Map(g.more)
  const left = n.truncated === true ? null : (n.truncated === false ? 0 : n.truncated) + refused
  if (left === null || left > 0) more.set(center, left)
  else more.delete(center)
  const expanded = new Set(g.expanded)
  expanded.add(center)
  return { graph: { nodes, edges, expanded, more }, addedNodes, addedEdges }
}

const sanitise = (n: GraphNode): GraphNode => ({
  ref: n.ref,
  kind: n.kind,
  label: cutLabel(n.label),
  tlp: n.tlp,
  ...(n.score === undefined ? {} : { score: n.score }),
})

/** Removes a node and its edges (and what it alone had been expanded to stays: the analyst removes those). */
export const removeNode = (g: GraphData, ref: string): GraphData => {
  if (!g.nodes.has(ref)) return g
  const nodes = new Map(g.nodes)
  nodes.delete(ref)
  const edges = new Map([...g.edges].filter(([, e]) => e.source !== ref && e.target !== ref))
  const expanded = new Set(g.expanded)
  expanded.delete(ref)
  const more = new Map(g.more)
  more.delete(ref)
  return { nodes, edges, expanded, more }
}

/** Moves a node (the analyst dragged it): the next expansion places around where it is now. */
export const moveNode = (g: GraphData, ref: string, to: Point): GraphData => {
  const n = g.nodes.get(ref)
  if (n === undefined) return g
  const nodes = new Map(g.nodes)
  nodes.set(ref, { ...n, x: to.x, y: to.y })
  return { ...g, nodes }
}

export type GraphFilter = {
  hiddenKinds: ReadonlySet<IntelRefKind>
  hiddenTypes: ReadonlySet<string>
}

export const noFilter = (): GraphFilter => ({ hiddenKinds: new Set(), hiddenTypes: new Set() })

export type Visibility = {
  hiddenNodes: ReadonlySet<string>
  hiddenEdges: ReadonlySet<string>
}

/**
 * What the filters hide: nodes of a hidden kind; edges of a hidden relationship type or touching a hidden
 * node. A node stays visible when only its edges are hidden (it is still in the graph, just unlinked).
 */
export const visibility = (g: GraphData, f: GraphFilter): Visibility => {
  const hiddenNodes = new Set<string>()
  if (f.hiddenKinds.size > 0)
    for (const n of g.nodes.values()) if (f.hiddenKinds.has(n.kind)) hiddenNodes.add(n.ref)
  const hiddenEdges = new Set<string>()
  for (const e of g.edges.values()) {
    if (f.hiddenTypes.has(e.type) || hiddenNodes.has(e.source) || hiddenNodes.has(e.target))
      hiddenEdges.add(e.id)
  }
  return { hiddenNodes, hiddenEdges }
}

/** The node kinds and relationship types present, with counts: what the filter offers. */
export const facets = (
  g: GraphData,
): { kinds: [IntelRefKind, number][]; types: [string, number][] } => {
  const kinds = new Map<IntelRefKind, number>()
  for (const n of g.nodes.values()) kinds.set(n.kind, (kinds.get(n.kind) ?? 0) + 1)
  const types = new Map<string, number>()
  for (const e of g.edges.values()) types.set(e.type, (types.get(e.type) ?? 0) + 1)
  const byName = <K extends string>(a: [K, number], b: [K, number]) => a[0].localeCompare(b[0])
  return { kinds: [...kinds].sort(byName), types: [...types].sort(byName) }
}

/** Visible nodes whose label contains `q` (case-insensitive), for the "find in graph" list. */
export const findNodes = (g: GraphData, v: Visibility, q: string, limit: number): PlacedNode[] => {
  const needle = q.trim().toLowerCase()
  const out: PlacedNode[] = []
  for (const n of g.nodes.values()) {
    if (out.length >= limit) break
    if (v.hiddenNodes.has(n.ref)) continue
    if (needle === '' || n.label.toLowerCase().includes(needle)) out.push(n)
  }
  return out
}
