import { createStore, type StoreApi } from 'zustand/vanilla'
import type { IntelRefKind } from '#shared/contract/intel.schemas'
import {
  emptyGraph,
  mergeNeighbourhood,
  moveNode,
  noFilter,
  removeNode,
  type GraphData,
  type GraphFilter,
  type Neighbourhood,
  type Point,
} from './graph-model'

/** Neighbours fetched per expansion: enough to see the shape, few enough to stay readable. */
export const EXPANSION_LIMIT = 50
/** "Show more" asks for this many times as many as the last time, up to what the core allows. */
const MORE_FACTOR = 4
export const MAX_EXPANSION_LIMIT = 2000
/** The whole canvas: past this an expansion adds no nodes and says how many it left out. */
export const MAX_GRAPH_NODES = 5000

export type LoadNeighbours = (ref: string, limit: number) => Promise<Neighbourhood>

/** What the last merge added, so the canvas places exactly those and may bring them into view. */
export type GraphChange = { around: string; nodes: string[]; edges: string[]; first: boolean }

export type GraphState = {
  graph: GraphData
  filter: GraphFilter
  selected: string | null
  /** Refs whose neighbours are being fetched. */
  loading: ReadonlySet<string>
  /** The limit each expanded node was last fetched with. */
  limits: ReadonlyMap<string, number>
  lastChange: GraphChange | null
  error: string | null
  /** Bumped to ask the canvas to fit what is visible. */
  fitSeq: number

  /**
   * Clears the canvas and starts from one entity or indicator; `extra` (e.g. an enrichment pivot's peers,
   * which are no relationship the core's neighbours know) is placed around it once its neighbours are in.
   */
  start(ref: string, extra?: Neighbourhood): Promise<void>
  expand(ref: string): Promise<void>
  /** Fetches a capped node's neighbours again with a larger limit. */
  showMore(ref: string): Promise<void>
  select(ref: string | null): void
  toggleKind(kind: IntelRefKind): void
  toggleType(type: string): void
  showAll(): void
  remove(ref: string): void
  moved(ref: string, to: Point): void
  clear(): void
  fit(): void
}

export type GraphStore = StoreApi<GraphState>

const toggled = <T>(set: ReadonlySet<T>, v: T): Set<T> => {
  const next = new Set(set)
  if (next.has(v)) next.delete(v)
  else next.add(v)
  return next
}

export const createGraphStore = (load: LoadNeighbours, describeError: (e: unknown) => string) =>
  createStore<GraphState>()((set, get) => {
    /** Bumped by start/clear: an answer for the graph that was there before is dropped. */
    let generation = 0

    const fetchInto = async (ref: string, limit: number) => {
      if (get().loading.has(ref)) return
      const mine = generation
      set((s) => ({ loading: new Set(s.loading).add(ref), error: null }))
      try {
        const n = await load(ref, limit)
        if (mine !== generation) return
        const before = get().graph
        const r = mergeNeighbourhood(before, n, MAX_GRAPH_NODES)
        set((s) => ({
          graph: r.graph,
          limits: new Map(s.limits).set(n.center.ref, limit),
          lastChange: {
            around: n.center.ref,
            nodes: r.addedNodes,
            edges: r.addedEdges,
            first: before.nodes.size === 0,
          },
          selected: s.selected ?? n.center.ref,
        }))
      } catch (e) {
        if (mine === generation) set({ error: describeError(e) })
      } finally {
        if (mine === generation)
          set((s) => {
            const loading = new Set(s.loading)
            loading.delete(ref)
            return { loading }
          })
      }
    }

    const reset = () => {
      generation++
      set({
        graph: emptyGraph(),
        selected: null,
        loading: new Set(),
        limits: new Map(),
        lastChange: null,
        error: null,
      })
    }

    return {
      graph: emptyGraph(),
      filter: noFilter(),
      selected: null,
      loading: new Set(),
      limits: new Map(),
      lastChange: null,
      error: null,
      fitSeq: 0,

      start: async (ref, extra) => {
        reset()
        set({ selected: ref })
        const mine = generation
        await fetchInto(ref, EXPANSION_LIMIT)
        if (extra === undefined || mine !== generation) return
        const before = get().graph
        // The fetched center keeps its label; extra's own "more" is not the core's.
        const center = before.nodes.get(ref) ?? extra.center
        const r = mergeNeighbourhood(before, { ...extra, center }, MAX_GRAPH_NODES)
        set({
          graph: { ...r.graph, more: before.more },
          lastChange: { around: ref, nodes: r.addedNodes, edges: r.addedEdges, first: false },
        })
      },
      expand: (ref) => fetchInto(ref, get().limits.get(ref) ?? EXPANSION_LIMIT),
      showMore: (ref) =>
        fetchInto(
          ref,
          Math.min(MAX_EXPANSION_LIMIT, (get().limits.get(ref) ?? EXPANSION_LIMIT) * MORE_FACTOR),
        ),
      select: (ref) => set({ selected: ref }),
      toggleKind: (kind) =>
        set((s) => ({ filter: { ...s.filter, hiddenKinds: toggled(s.filter.hiddenKinds, kind) } })),
      toggleType: (type) =>
        set((s) => ({ filter: { ...s.filter, hiddenTypes: toggled(s.filter.hiddenTypes, type) } })),
      showAll: () => set({ filter: noFilter() }),
      remove: (ref) =>
        set((s) => ({
          graph: removeNode(s.graph, ref),
          selected: s.selected === ref ? null : s.selected,
        })),
      moved: (ref, to) => set((s) => ({ graph: moveNode(s.graph, ref, to) })),
      clear: reset,
      fit: () => set((s) => ({ fitSeq: s.fitSeq + 1 })),
    }
  })
