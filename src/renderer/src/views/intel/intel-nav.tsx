import { createContext, useContext, useEffect, useState, type ReactNode } from 'react'
import { createStore, type StoreApi } from 'zustand/vanilla'
import { errorMessage } from '../../api/client'
import { useServices } from '../../app-context'
import type { GraphNode, Neighbourhood } from '../../components/graph/graph-model'
import { createGraphStore, type GraphStore } from '../../components/graph/graph.store'
import { nodeLabel } from './intel-format'
import { createIntelViewStore, type IntelViewStore } from './intel.store'

/** A view the Intel view asks the app to show; `seq` makes the same view asked twice a new request. */
type ShowRequest = { view: 'intel' | 'indicators'; seq: number } | null

/**
 * The Intel view's state, kept above the app's views so it survives switching to another view and back (the
 * graph an analyst built stays), and the way other views reach it: "Open in graph" from an indicator.
 */
export type IntelNav = {
  intel: IntelViewStore
  graph: GraphStore
  requests: StoreApi<{ request: ShowRequest }>
  /**
   * Shows the Intel view's graph, started from an entity or an indicator, with `peers` (indicators sharing
   * an enrichment key with it) linked to it by `edgeType`.
   */
  openInGraph(ref: string, peers?: GraphPeers): void
  /** Shows an entity in the Intel view. */
  openEntity(id: string, kind: string): void
  /** Shows an indicator's detail in the Indicators view. */
  openIndicator(id: string): void
}

const IntelNavContext = createContext<IntelNav | null>(null)

/** Indicator values read defanged on the canvas too. */
const asGraphNode = (n: GraphNode & { type?: string }): GraphNode => ({
  ...n,
  label: nodeLabel(n),
})

type PeerNode = { ref: string; label: string; type: string; tlp: GraphNode['tlp']; score: number }

/** Indicators drawn around the one the graph starts from, each linked to it by one edge. */
export type GraphPeers = {
  center: PeerNode
  peers: PeerNode[]
  edgeType: string
  /** Peers left out (a count), or false. */
  truncated: number | false
}

const indicatorNode = (p: PeerNode): GraphNode & { type: string } => ({
  ...p,
  kind: 'indicator',
})

/** The peers as one neighbourhood of the center; the edge ids say which pivot drew them. */
const peersNeighbourhood = (ref: string, g: GraphPeers): Neighbourhood => ({
  center: asGraphNode(indicatorNode(g.center)),
  nodes: g.peers.map((p) => asGraphNode(indicatorNode(p))),
  edges: g.peers.map((p) => ({
    id: `pivot:${g.edgeType}:${ref}:${p.ref}`,
    source: ref,
    target: p.ref,
    type: g.edgeType,
  })),
  truncated: g.truncated,
})

export const IntelNavProvider = (props: { children: ReactNode }) => {
  const { client, indicators } = useServices()
  const [nav] = useState((): IntelNav => {
    const intel = createIntelViewStore(client)
    const graph = createGraphStore(async (ref, limit) => {
      const n = await client.call('intel.neighbours', { ref, limit })
      return { ...n, center: asGraphNode(n.center), nodes: n.nodes.map(asGraphNode) }
    }, errorMessage)
    const requests = createStore<{ request: ShowRequest }>()(() => ({ request: null }))
    let seq = 0
    const show = (view: 'intel' | 'indicators') =>
      requests.setState({ request: { view, seq: ++seq } })
    return {
      intel,
      graph,
      requests,
      openInGraph: (ref, peers) => {
        intel.getState().setTab('graph')
        void graph.getState().start(ref, peers ? peersNeighbourhood(ref, peers) : undefined)
        show('intel')
      },
      openEntity: (id, kind) => {
        intel.getState().open(id, kind)
        show('intel')
      },
      openIndicator: (id) => {
        indicators.getState().openDetail(id)
        show('indicators')
      },
    }
  })
  return <IntelNavContext.Provider value={nav}>{props.children}</IntelNavContext.Provider>
}

export const useIntelNav = (): IntelNav => {
  const nav = useContext(IntelNavContext)
  if (nav === null) throw new Error('useIntelNav() outside <IntelNavProvider>')
  return nav
}

/** The app's half: switches to the view the Intel view (or "Open in graph") asked for. */
export const useIntelNavRequests = (show: (view: 'intel' | 'indicators') => void): void => {
  const { requests } = useIntelNav()
  useEffect(
    () =>
      requests.subscribe((s, prev) => {
        if (s.request !== null && s.request !== prev.request) show(s.request.view)
      }),
    [requests, show],
  )
}
