import { EventEmitter } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { runInNewContext } from 'node:vm'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Bridge } from '#shared/bridge'

/**
 * The BUILT preload (out/preload/index.js, made by `electron-vite build` before the tests in `npm test`), run in
 * a fresh V8 context the way a sandboxed preload runs: CommonJS, with a `require` that can only provide
 * 'electron'. The Electron half is a stand-in for contextBridge and ipcRenderer (the binary is not available
 * here); what is tested is our bundle's behaviour at that boundary.
 */
const bundlePath = resolve(__dirname, '../../../out/preload/index.js')

type Loaded = {
  requires: string[]
  exposed: Record<string, unknown>
  invokes: unknown[][]
  ipc: EventEmitter
  bridge: Bridge
}

const load = (): Loaded => {
  const code = readFileSync(bundlePath, 'utf8')
  const requires: string[] = []
  const exposed: Record<string, unknown> = {}
  const invokes: unknown[][] = []
  const ipc = new EventEmitter()
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        exposed[key] = api
      },
    },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        invokes.push(args)
        return { ok: true, value: 'answer' }
      },
      on: (channel: string, listener: (...a: unknown[]) => void) => ipc.on(channel, listener),
      removeListener: (channel: string, listener: (...a: unknown[]) => void) =>
        ipc.removeListener(channel, listener),
    },
  }
  const sandboxRequire = (id: string) => {
    requires.push(id)
    if (id === 'electron') return electron
    throw new Error(`a sandboxed preload cannot require ${id}`)
  }
  const module = { exports: {} }
  runInNewContext(
    code,
    { require: sandboxRequire, module, exports: module.exports, console },
    { filename: bundlePath },
  )
  return { requires, exposed, invokes, ipc, bridge: exposed.bridge as Bridge }
}

describe('the built preload bundle', () => {
  let loaded: Loaded

  beforeAll(() => {
    if (!existsSync(bundlePath))
      throw new Error(`${bundlePath} is missing: run \`npm run build\` first`)
    loaded = load()
  })

  it('requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    expect(loaded.requires).toEqual(['electron'])
    const requireCalls = [
      ...readFileSync(bundlePath, 'utf8').matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g),
    ].map((m) => m[1])
    expect(new Set(requireCalls)).toEqual(new Set(['electron']))
  })

  it('exposes exactly one object, window.bridge, with invoke and on', () => {
    expect(Object.keys(loaded.exposed)).toEqual(['bridge'])
    expect(Object.keys(loaded.bridge).sort()).toEqual(['invoke', 'on'])
  })

  it('sends every call on the one invoke channel and returns the main process answer', async () => {
    const input = { filter: {}, limit: 5 }
    await expect(loaded.bridge.invoke('indicators.list', input)).resolves.toEqual({
      ok: true,
      value: 'answer',
    })
    expect(loaded.invokes).toEqual([['threateye:invoke', 'indicators.list', input]])
  })

  it('delivers events by name to their listeners only, and unsubscribes', () => {
    const seen: unknown[] = []
    const other: unknown[] = []
    const off = loaded.bridge.on('indicators.onDidChange', (p) => seen.push(p))
    const offOther = loaded.bridge.on('feeds.onDidProgress', (p) => other.push(p))
    const fakeEvent = {}
    loaded.ipc.emit('threateye:event', fakeEvent, 'indicators.onDidChange', { ids: ['a'] })
    loaded.ipc.emit('threateye:event', fakeEvent, 'settings.onDidChange', { theme: 'dark' })
    loaded.ipc.emit('threateye:otherchannel', fakeEvent, 'indicators.onDidChange', { ids: ['x'] })
    expect(seen).toEqual([{ ids: ['a'] }])
    expect(other).toEqual([])

    off()
    loaded.ipc.emit('threateye:event', fakeEvent, 'indicators.onDidChange', { ids: ['b'] })
    expect(seen).toEqual([{ ids: ['a'] }])
    offOther()
    // One shared channel listener, however many subscriptions came and went.
    expect(loaded.ipc.listenerCount('threateye:event')).toBe(1)
  })

  it('keeps delivering to the other listeners when one throws', () => {
    const seen: unknown[] = []
    const errors: unknown[] = []
    const originalError = console.error
    console.error = (...a: unknown[]) => errors.push(a)
    try {
      const offBad = loaded.bridge.on('x.onDidThing', () => {
        throw new Error('view crashed')
      })
      const offGood = loaded.bridge.on('x.onDidThing', (p) => seen.push(p))
      loaded.ipc.emit('threateye:event', {}, 'x.onDidThing', 1)
      offBad()
      offGood()
    } finally {
      console.error = originalError
    }
    expect(seen).toEqual([1])
    expect(errors).toHaveLength(1)
  })

  it('rejects a malformed subscription instead of listening to everything', () => {
    expect(() => loaded.bridge.on(undefined as unknown as string, () => {})).toThrow(
      /needs an event name/,
    )
  })
})
