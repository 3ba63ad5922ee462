import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { EventName, EventPayload, In, Method, Out } from '#shared/contract'
import { errorMessage } from '../api/client'
import { useClient } from '../app-context'

/** An event that makes the query load again, optionally only for the payloads `when` accepts. */
export type ReloadOn = {
  [E in EventName]: { event: E; when?: (payload: EventPayload<E>) => boolean }
}[EventName]

export type ContractQuery<M extends Method> = {
  data: Out<M> | null
  error: string | null
  /** Loads again now (after a mutation this panel made itself). */
  reload: () => void
  /** Replaces the data without a round trip (a mutation that answered with the new value). */
  setData: (data: Out<M>) => void
}

/**
 * One contract call whose answer a panel shows, loaded when `key` changes and again on the events named in
 * `reloadOn`. Answers that arrive after the panel moved on (unmounted, or another key) are dropped, so a slow
 * answer for the previous indicator never overwrites the current one. `input` is read when a load starts;
 * `key` is what says it changed (a panel's indicator id, plus a version when the row itself changed).
 */
export const useContractQuery = <M extends Method>(
  method: M,
  input: In<M>,
  key: string,
  reloadOn: readonly ReloadOn[] = [],
): ContractQuery<M> => {
  const client = useClient()
  const [data, setData] = useState<Out<M> | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The latest input and events, read when a load starts rather than re-subscribing on every render.
  const latest = useRef({ input, reloadOn })
  useLayoutEffect(() => {
    latest.current = { input, reloadOn }
  })
  const loadNow = useRef<() => void>(() => undefined)

  useEffect(() => {
    let live = true
    // A load is current only while it is the newest of this key's loads.
    let newest = 0
    const load = () => {
      const mine = ++newest
      client.call(method, latest.current.input).then(
        (d) => {
          if (!live || mine !== newest) return
          setData(d)
          setError(null)
        },
        (e: unknown) => {
          if (live && mine === newest) setError(errorMessage(e))
        },
      )
    }
    loadNow.current = load
    load()
    const offs = latest.current.reloadOn.map((r) =>
      client.on(r.event, (payload) => {
        const when = r.when as ((p: typeof payload) => boolean) | undefined
        if (when === undefined || when(payload)) load()
      }),
    )
    return () => {
      // Whatever is in flight belongs to the key we are leaving.
      live = false
      for (const off of offs) off()
    }
  }, [client, method, key])

  const reload = useCallback(() => loadNow.current(), [])
  return { data, error, reload, setData }
}
