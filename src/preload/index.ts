import { contextBridge, ipcRenderer } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type Bridge } from '../shared/bridge'

/**
 * The page's only door to the core. It runs sandboxed (it can require nothing but 'electron'; electron-vite
 * bundles ../shared into this file) and hands the page two functions: ipcRenderer itself never crosses, so the
 * page cannot send on other channels or listen to them.
 */

type Listener = (payload: unknown) => void

// One ipcRenderer subscription fans out to the page's listeners: many views subscribing must not pile up
// listeners on the channel (and trip Node's MaxListeners warning).
const listeners = new Map<string, Set<Listener>>()
ipcRenderer.on(IPC_EVENT_CHANNEL, (_e, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return
  for (const listener of [...(listeners.get(name) ?? [])]) {
    try {
      listener(payload)
    } catch (error) {
      // A failing view must not stop the others from hearing the event.
      console.error(`bridge listener for ${name} failed`, error)
    }
  }
})

const bridge: Bridge = {
  invoke: (method, input) =>
    ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input) as ReturnType<Bridge['invoke']>,
  on: (event, listener) => {
    if (typeof event !== 'string' || typeof listener !== 'function') {
      throw new TypeError('bridge.on(event, listener) needs an event name and a function')
    }
    const set = listeners.get(event) ?? new Set<Listener>()
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry: Listener = (payload) => listener(payload)
    set.add(entry)
    listeners.set(event, set)
    return () => {
      set.delete(entry)
      if (set.size === 0 && listeners.get(event) === set) listeners.delete(event)
    }
  },
}

contextBridge.exposeInMainWorld('bridge', bridge)
