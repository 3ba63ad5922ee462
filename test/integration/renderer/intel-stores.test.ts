import { afterEach, describe, expect, it } from 'vitest'
import type { Bridge } from '#shared/bridge'
import type { EventName } from '#shared/contract'
import type { Core } from '#core/create-core'
import { createClient, errorMessage, type Client } from '../../../src/renderer/src/api/client'
import { createIpcTransport } from '../../../src/renderer/src/api/transports/ipc'
import {
  EXPANSION_LIMIT,
  createGraphStore,
  type GraphStore,
} from '../../../src/renderer/src/components/graph/graph.store'
import { createIntelViewStore } from '../../../src/renderer/src/views/intel/intel.store'
import { openCore, type TestCore } from '../../support/test-core'

// The Intel view's stores against a real core, through the renderer's own IPC transport over a bridge of
// the preload's shape (as the e2e IPC harness does, without the browser).

const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose()
})

const clientOf = (core: Core): Client => {
  const bridge: Bridge = {
    invoke: (method, input) =>
      core.dispatch(method, input, {
        caller: 'ipc',
        actor: 'tester',
        signal: new AbortController().signal,
      }),
    on: (event, listener) => core.events.on(event as EventName, listener),
  }
  return createClient(createIpcTransport(bridge))
}

const open = async () => {
  const c = await openCore()
  cores.push(c)
  return { core: c.core, client: clientOf(c.core) }
}

const graphOf = (client: Client): GraphStore =>
  createGraphStore((ref, limit) => client.call('intel.neighbours', { ref, limit }), errorMessage)

/** An actor using a malware family, indicated by `n` domains. */
const seed = async (core: Core, n: number) => {
  const actor = await core.call('intel.create', {
    kind: 'threat-actor',
    name: 'Graph Bear',
    techniques: ['T1059.001'],
  })
  const malware = await core.call('intel.create', { kind: 'malware', name: 'Graphware' })
  await core.call('intel.createRelationship', {
    sourceRef: actor.id,
    targetRef: malware.id,
    relationshipType: 'uses',
  })
  const indicators: string[] = []
  for (let i = 0; i < n; i++) {
    const ind = await core.call('indicators.create', {
      type: 'domain',
      value: `n${i}.graph-store.example`,
    })
    indicators.push(ind.id)
    await core.call('intel.createRelationship', {
      sourceRef: ind.id,
      targetRef: actor.id,
      relationshipType: 'indicates',
    })
  }
  return { actor, malware, indicators }
}

describe('the graph store', () => {
  it('starts from an indicator and expands a neighbour, keeping what is placed', async () => {
    const { core, client } = await open()
    const { actor, malware, indicators } = await seed(core, 3)
    const g = graphOf(client)
    await g.getState().start(indicators[0] ?? '')
    expect([...g.getState().graph.nodes.keys()].sort()).toEqual([indicators[0], actor.id].sort())
    expect(g.getState().selected).toBe(indicators[0])
    const placed = g.getState().graph.nodes.get(actor.id)
    await g.getState().expand(actor.id)
    const s = g.getState()
    expect(s.graph.nodes.size).toBe(5)
    expect(s.graph.nodes.has(malware.id)).toBe(true)
    expect(s.graph.nodes.get(actor.id)).toMatchObject({ x: placed?.x, y: placed?.y })
    expect(s.lastChange?.nodes.sort()).toEqual([malware.id, indicators[1], indicators[2]].sort())
    expect([...s.graph.edges.values()].map((e) => e.type).sort()).toEqual([
      'indicates',
      'indicates',
      'indicates',
      'uses',
    ])
    expect(s.loading.size).toBe(0)
  })

  it('caps an expansion, says more exist, and shows more on request', async () => {
    const { core, client } = await open()
    const { actor } = await seed(core, EXPANSION_LIMIT + 10)
    const g = graphOf(client)
    await g.getState().start(actor.id)
    expect(g.getState().graph.nodes.size).toBe(EXPANSION_LIMIT + 1)
    expect(g.getState().graph.more.has(actor.id)).toBe(true)
    await g.getState().showMore(actor.id)
    expect(g.getState().graph.nodes.size).toBe(EXPANSION_LIMIT + 12)
    expect(g.getState().graph.more.has(actor.id)).toBe(false)
  })

  it('drops the answer for a graph that was cleared while it loaded', async () => {
    const { core, client } = await open()
    const { actor, malware } = await seed(core, 1)
    const g = graphOf(client)
    const first = g.getState().start(actor.id)
    const second = g.getState().start(malware.id)
    await Promise.all([first, second])
    expect(g.getState().graph.expanded).toEqual(new Set([malware.id]))
    expect(g.getState().graph.nodes.size).toBe(2)
  })

  it('reports a failed expansion as an error and keeps the graph', async () => {
    const { core, client } = await open()
    const { actor } = await seed(core, 1)
    const g = graphOf(client)
    await g.getState().start(actor.id)
    const size = g.getState().graph.nodes.size
    await g.getState().expand('00000000-0000-4000-8000-000000000000')
    expect(g.getState().error).not.toBeNull()
    expect(g.getState().graph.nodes.size).toBe(size)
  })
})

describe('the intel view store', () => {
  it('lists a kind, filters by name and technique, and follows changes', async () => {
    const { core, client } = await open()
    await seed(core, 0)
    await core.call('intel.create', { kind: 'threat-actor', name: 'Other Panda' })
    const s = createIntelViewStore(client)
    await s.getState().reload()
    expect(
      s
        .getState()
        .items.map((i) => i.name)
        .sort(),
    ).toEqual(['Graph Bear', 'Other Panda'])
    expect(s.getState().total).toBe(2)
    s.getState().setFilter({ technique: 'T1059' })
    await s.getState().reload()
    expect(s.getState().items.map((i) => i.name)).toEqual(['Graph Bear'])
    s.getState().setFilter({ q: 'panda' })
    await s.getState().reload()
    expect(s.getState().items.map((i) => i.name)).toEqual(['Other Panda'])
    s.getState().setTab('malware')
    s.getState().setFilter({})
    await s.getState().reload()
    expect(s.getState().items.map((i) => i.name)).toEqual(['Graphware'])
  })
})
