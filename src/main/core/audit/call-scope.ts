import { AsyncLocalStorage } from 'node:async_hooks'
import { userInfo } from 'node:os'
import type { Transport } from '#shared/contract/audit.contract'

/** Who made a change and through what: what every change log entry records about its caller. */
export type ChangeCaller = {
  transport: Transport
  actor: string
  /** The contract method, or the core job, that made the change. */
  method: string
}

/**
 * The caller of the work under way, carried through its async continuations. The dispatcher enters a scope
 * for every call (from the transport's CallContext) and the feed scheduler for every scheduled run, so the
 * change log's writers, deep in services and in the bulk writer's commit, know the caller without every
 * service signature carrying it.
 */
export type CallScope = {
  run<T>(caller: ChangeCaller, fn: () => T): T
  /** The caller of the current work; the core itself (start-up recovery, maintenance) when none. */
  current(): ChangeCaller
}

export const CORE_CALLER: ChangeCaller = { transport: 'in-process', actor: 'core', method: 'core' }

export const createCallScope = (): CallScope => {
  const storage = new AsyncLocalStorage<ChangeCaller>()
  return {
    run: (caller, fn) => storage.run(caller, fn),
    current: () => storage.getStore() ?? CORE_CALLER,
  }
}

/** The local OS user name: the actor of desktop and CLI calls. */
export const localActor = (): string => {
  try {
    const name = userInfo().username
    if (name.length > 0) return name
  } catch {
    // No passwd entry for the uid (some containers): fall back to the environment.
  }
  return process.env.USER ?? process.env.USERNAME ?? 'local'
}
