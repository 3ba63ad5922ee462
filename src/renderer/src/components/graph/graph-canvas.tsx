import cytoscape from 'cytoscape'
import { useEffect, useRef } from 'react'
import type { IntelRefKind } from '#shared/contract/intel.schemas'
import { visibility, type GraphData } from './graph-model'
import type { GraphState, GraphStore } from './graph.store'

/** One colour per kind, readable on both themes (the label carries the name; colour is a second cue). */
export const KIND_COLOURS: Record<IntelRefKind, string> = {
  'threat-actor': '#d9480f',
  campaign: '#9c36b5',
  vulnerability: '#e8590c',
  malware: '#c2255c',
  report: '#1971c2',
  indicator: '#2f9e44',
  'attack-pattern': '#f08c00',
}

const KIND_SHAPES: Record<IntelRefKind, cytoscape.Css.NodeShape> = {
  'threat-actor': 'ellipse',
  campaign: 'round-diamond',
  vulnerability: 'round-triangle',
  malware: 'round-hexagon',
  report: 'round-rectangle',
  indicator: 'ellipse',
  'attack-pattern': 'round-tag',
}

const cssVar = (name: string, fallback: string): string =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback

/** Labels are canvas text drawn from `data(label)`: feed values can never become markup here. */
const styleSheet = (): cytoscape.StylesheetJson => {
  const text = cssVar('--text', '#1c2330')
  const muted = cssVar('--text-muted', '#5e6878')
  const accent = cssVar('--accent', '#2f62d8')
  const bg = cssVar('--surface', '#ffffff')
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-size': 10,
        color: text,
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-outline-color': bg,
        'text-outline-width': 2,
        // Labels of far-out zoom levels are unreadable anyway; skipping them keeps panning smooth.
        'min-zoomed-font-size': 6,
        width: 18,
        height: 18,
        'border-width': 0,
      },
    },
    ...(Object.keys(KIND_COLOURS) as IntelRefKind[]).map((kind) => ({
      selector: `node[kind = "${kind}"]`,
      style: { 'background-color': KIND_COLOURS[kind], shape: KIND_SHAPES[kind] },
    })),
    { selector: 'node.expanded', style: { 'border-width': 2, 'border-color': text } },
    {
      selector: 'node.picked',
      style: { 'border-width': 4, 'border-color': accent, width: 24, height: 24 },
    },
    {
      selector: 'edge',
      style: {
        width: 1,
        'line-color': muted,
        'target-arrow-color': muted,
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.6,
        // Straight lines: the cheapest shape that still carries the arrow (the direction matters).
        'curve-style': 'straight',
        label: 'data(type)',
        'font-size': 8,
        color: muted,
        'text-rotation': 'autorotate',
        'min-zoomed-font-size': 9,
      },
    },
    { selector: '.hidden', style: { display: 'none' } },
  ]
}

/** A fit never zooms in past this: two nodes filling the screen read as a bug. */
const FIT_MAX_ZOOM = 1.4

const fitCapped = (cy: cytoscape.Core, eles?: cytoscape.CollectionArgument) => {
  cy.fit(eles, 40)
  if (cy.zoom() > FIT_MAX_ZOOM) {
    cy.zoom(FIT_MAX_ZOOM)
    cy.center(eles)
  }
}

/** Brings cytoscape's elements in line with the store's graph: adds and removes, never re-lays out. */
const syncGraph = (cy: cytoscape.Core, graph: GraphData) => {
  const add: cytoscape.ElementDefinition[] = []
  cy.nodes().forEach((n) => {
    if (!graph.nodes.has(n.id())) n.remove()
  })
  cy.edges().forEach((e) => {
    if (!graph.edges.has(e.id())) e.remove()
  })
  for (const n of graph.nodes.values()) {
    const have = cy.getElementById(n.ref)
    if (have.empty())
      add.push({
        group: 'nodes',
        data: { id: n.ref, kind: n.kind, label: n.label },
        position: { x: n.x, y: n.y },
      })
    else if (have.data('label') !== n.label) have.data('label', n.label)
  }
  for (const e of graph.edges.values()) {
    if (cy.getElementById(e.id).empty())
      add.push({
        group: 'edges',
        data: { id: e.id, source: e.source, target: e.target, type: e.type },
      })
  }
  if (add.length > 0) cy.add(add)
  for (const ref of graph.expanded) cy.getElementById(ref).addClass('expanded')
}

const syncVisibility = (cy: cytoscape.Core, s: GraphState) => {
  const v = visibility(s.graph, s.filter)
  cy.nodes().forEach((n) => {
    const hidden = v.hiddenNodes.has(n.id())
    if (hidden !== n.hasClass('hidden')) n.toggleClass('hidden', hidden)
  })
  cy.edges().forEach((e) => {
    const hidden = v.hiddenEdges.has(e.id())
    if (hidden !== e.hasClass('hidden')) e.toggleClass('hidden', hidden)
  })
}

/**
 * The pivot graph on a canvas (cytoscape's canvas renderer: no DOM node per element, so thousands of nodes
 * pan and zoom smoothly). Driven by the graph store through a subscription, not React renders: a merge
 * adds only its new elements at the places the store computed. Tap selects, double tap expands, a drag
 * tells the store where the node now is.
 */
export const GraphCanvas = (props: { store: GraphStore; theme: string; label: string }) => {
  const container = useRef<HTMLDivElement>(null)
  const cyRef = useRef<cytoscape.Core | null>(null)
  const { store } = props

  useEffect(() => {
    const el = container.current
    if (el === null) return
    const cy = cytoscape({
      container: el,
      elements: [],
      style: styleSheet(),
      layout: { name: 'preset' },
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autounselectify: true,
      // Big graphs: draw a bitmap of the graph while panning and zooming, and the edges when it stops.
      textureOnViewport: true,
      hideEdgesOnViewport: true,
    })
    cyRef.current = cy

    const apply = (s: GraphState, prev: GraphState | null) => {
      cy.batch(() => {
        if (prev === null || s.graph !== prev.graph) syncGraph(cy, s.graph)
        if (prev === null || s.graph !== prev.graph || s.filter !== prev.filter)
          syncVisibility(cy, s)
        if (prev === null || s.selected !== prev.selected || s.graph !== prev.graph) {
          cy.nodes('.picked').removeClass('picked')
          if (s.selected !== null) cy.getElementById(s.selected).addClass('picked')
        }
      })
      if (prev !== null && s.fitSeq !== prev.fitSeq) fitCapped(cy, cy.elements(':visible'))
      const change = s.lastChange
      if (change !== null && change !== prev?.lastChange) {
        if (change.first) fitCapped(cy)
        else if (change.nodes.length > 0) {
          // Only when the new neighbours fall outside the view: otherwise the analyst's view stays put.
          const added = cy.collection()
          for (const id of change.nodes) added.merge(cy.getElementById(id))
          const bb = added.boundingBox()
          const ext = cy.extent()
          if (bb.x1 < ext.x1 || bb.x2 > ext.x2 || bb.y1 < ext.y1 || bb.y2 > ext.y2) {
            // The expanded node and its new neighbours come into view; the rest may leave it.
            const focus = added.union(cy.getElementById(change.around))
            fitCapped(cy, focus)
          }
        }
      }
    }
    apply(store.getState(), null)
    if (store.getState().graph.nodes.size > 0) fitCapped(cy)
    const unsubscribe = store.subscribe((s, prev) => apply(s, prev))

    cy.on('tap', 'node', (e) => store.getState().select((e.target as cytoscape.NodeSingular).id()))
    cy.on('tap', (e) => {
      if (e.target === cy) store.getState().select(null)
    })
    cy.on(
      'dbltap',
      'node',
      (e) => void store.getState().expand((e.target as cytoscape.NodeSingular).id()),
    )
    cy.on('dragfree', 'node', (e) => {
      const n = e.target as cytoscape.NodeSingular
      store.getState().moved(n.id(), { ...n.position() })
    })
    return () => {
      unsubscribe()
      cyRef.current = null
      cy.destroy()
    }
  }, [store])

  // A theme switch recolours the labels and edges (cytoscape cannot read CSS variables itself).
  useEffect(() => {
    cyRef.current?.style(styleSheet())
  }, [props.theme])

  return (
    <div
      ref={container}
      className="graph-canvas"
      role="img"
      aria-label={props.label}
      data-testid="graph-canvas"
    />
  )
}
