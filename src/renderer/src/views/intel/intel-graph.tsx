import { useMemo, useState } from 'react'
import { useStore } from 'zustand'
import { TlpBadge } from '../../components/badges'
import { GraphCanvas, KIND_COLOURS } from '../../components/graph/graph-canvas'
import { facets, findNodes, visibility, type PlacedNode } from '../../components/graph/graph-model'
import type { GraphStore } from '../../components/graph/graph.store'
import { useUi } from '../../app-context'
import { KIND_LABELS } from './intel-format'
import { useIntelNav } from './intel-nav'
import { ObjectSearch } from './object-search'

const FIND_LIMIT = 20

/** Which kinds and relationship types are shown; each a checkbox with its count. */
const GraphFilters = (props: { store: GraphStore }) => {
  const { store } = props
  const graph = useStore(store, (s) => s.graph)
  const filter = useStore(store, (s) => s.filter)
  const f = useMemo(() => facets(graph), [graph])
  return (
    <div className="graph-filters" data-testid="graph-filters">
      <fieldset>
        <legend>Show</legend>
        {f.kinds.map(([kind, n]) => (
          <label key={kind} className="checkbox">
            <input
              type="checkbox"
              checked={!filter.hiddenKinds.has(kind)}
              data-testid={`graph-kind-${kind}`}
              onChange={() => store.getState().toggleKind(kind)}
            />
            <span className="graph-swatch" style={{ background: KIND_COLOURS[kind] }} />
            {KIND_LABELS[kind]} ({n})
          </label>
        ))}
      </fieldset>
      {f.types.length > 0 ? (
        <fieldset>
          <legend>Relationships</legend>
          {f.types.map(([type, n]) => (
            <label key={type} className="checkbox">
              <input
                type="checkbox"
                checked={!filter.hiddenTypes.has(type)}
                data-testid={`graph-type-${type}`}
                onChange={() => store.getState().toggleType(type)}
              />
              {type} ({n})
            </label>
          ))}
        </fieldset>
      ) : null}
    </div>
  )
}

/** The selected node: what it is, its place in the graph, and what can be done with it. */
const NodeSummary = (props: { store: GraphStore; node: PlacedNode }) => {
  const { store, node } = props
  const nav = useIntelNav()
  const graph = useStore(store, (s) => s.graph)
  const loading = useStore(store, (s) => s.loading.has(node.ref))
  const degree = useMemo(() => {
    let n = 0
    for (const e of graph.edges.values()) if (e.source === node.ref || e.target === node.ref) n++
    return n
  }, [graph, node.ref])
  const expanded = graph.expanded.has(node.ref)
  const more = graph.more.get(node.ref)
  return (
    <div className="graph-summary" data-testid="graph-summary" data-ref={node.ref}>
      <div className="graph-summary-kind">{KIND_LABELS[node.kind]}</div>
      <div className="value-large" data-testid="graph-summary-label">
        {node.label}
      </div>
      <div>
        <TlpBadge value={node.tlp} />
        {node.score != null ? <span className="muted"> score {node.score}</span> : null}
      </div>
      <p className="muted">
        {degree} link{degree === 1 ? '' : 's'} on the canvas
        {expanded ? '' : '; not expanded yet'}
      </p>
      {more !== undefined ? (
        <p className="graph-more" data-testid="graph-more">
          {more === null
            ? 'More neighbours than were shown.'
            : `${more.toLocaleString()} more not shown.`}{' '}
          <button
            type="button"
            className="link-button"
            disabled={loading}
            data-testid="graph-show-more"
            onClick={() => void store.getState().showMore(node.ref)}
          >
            Show more
          </button>
        </p>
      ) : null}
      <div className="detail-actions">
        <button
          type="button"
          className="button button-small button-primary"
          disabled={loading}
          data-testid="graph-expand"
          onClick={() => void store.getState().expand(node.ref)}
        >
          {loading ? 'Expanding…' : 'Expand'}
        </button>
        {node.kind === 'attack-pattern' ? null : (
          <button
            type="button"
            className="button button-small"
            data-testid="graph-open"
            onClick={() =>
              node.kind === 'indicator'
                ? nav.openIndicator(node.ref)
                : nav.openEntity(node.ref, node.kind)
            }
          >
            Open
          </button>
        )}
        <button
          type="button"
          className="button button-small button-danger-quiet"
          data-testid="graph-remove"
          onClick={() => store.getState().remove(node.ref)}
        >
          Remove from graph
        </button>
      </div>
    </div>
  )
}

/** Find a node on the canvas by its label: the keyboard's (and the tests') way to select one. */
const FindInGraph = (props: { store: GraphStore }) => {
  const { store } = props
  const graph = useStore(store, (s) => s.graph)
  const filter = useStore(store, (s) => s.filter)
  const [q, setQ] = useState('')
  const hits = useMemo(
    () => (q.trim() === '' ? [] : findNodes(graph, visibility(graph, filter), q, FIND_LIMIT)),
    [graph, filter, q],
  )
  return (
    <div className="graph-find">
      <input
        type="search"
        aria-label="Find in graph"
        placeholder="Find in graph"
        value={q}
        data-testid="graph-find"
        onChange={(e) => setQ(e.target.value)}
      />
      {hits.length > 0 ? (
        <ul className="object-hits">
          {hits.map((n) => (
            <li key={n.ref}>
              <button
                type="button"
                className="object-hit"
                data-testid="graph-find-hit"
                data-ref={n.ref}
                onClick={() => {
                  store.getState().select(n.ref)
                  setQ('')
                }}
              >
                <span className="kind-chip" data-kind={n.kind}>
                  {KIND_LABELS[n.kind]}
                </span>{' '}
                {n.label}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/**
 * The pivot graph: start from any entity or indicator, expand neighbours (double-click a node, or Expand),
 * filter by kind and relationship type, select a node to see it and open it.
 */
export const IntelGraph = () => {
  const { graph: store } = useIntelNav()
  const theme = useUi((s) => s.resolvedTheme)
  const graph = useStore(store, (s) => s.graph)
  const filter = useStore(store, (s) => s.filter)
  const selected = useStore(store, (s) => s.selected)
  const loading = useStore(store, (s) => s.loading.size > 0)
  const error = useStore(store, (s) => s.error)
  const v = useMemo(() => visibility(graph, filter), [graph, filter])
  const node = selected === null ? undefined : graph.nodes.get(selected)
  return (
    <div
      className="intel-graph"
      data-testid="intel-graph"
      data-state={loading ? 'loading' : 'ready'}
      data-nodes={graph.nodes.size}
      data-edges={graph.edges.size}
      data-visible-nodes={graph.nodes.size - v.hiddenNodes.size}
      data-visible-edges={graph.edges.size - v.hiddenEdges.size}
      data-selected={selected ?? ''}
    >
      <div className="graph-toolbar">
        <ObjectSearch
          label="Start the graph from"
          placeholder="Start from: actor, malware, CVE, indicator value…"
          testId="graph-start"
          onPick={(n) => void store.getState().start(n.ref)}
        />
        <FindInGraph store={store} />
        <button
          type="button"
          className="button button-small"
          onClick={() => store.getState().fit()}
        >
          Fit
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="graph-show-all"
          onClick={() => store.getState().showAll()}
        >
          Show all
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="graph-clear"
          onClick={() => store.getState().clear()}
        >
          Clear
        </button>
        <span className="count" data-testid="graph-count">
          {graph.nodes.size - v.hiddenNodes.size} of {graph.nodes.size} nodes shown
        </span>
      </div>
      {error !== null ? (
        <p className="form-error graph-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="graph-body">
        <GraphCanvas
          store={store}
          theme={theme}
          label={`Relationship graph: ${graph.nodes.size} nodes, ${graph.edges.size} links`}
        />
        {graph.nodes.size === 0 ? (
          <p className="graph-empty muted">
            Start from an entity or an indicator: search above, or use “Open in graph” on its
            details.
          </p>
        ) : null}
        <aside className="graph-side" aria-label="Graph filters and selection">
          {node !== undefined ? <NodeSummary store={store} node={node} /> : null}
          <GraphFilters store={store} />
        </aside>
      </div>
    </div>
  )
}
