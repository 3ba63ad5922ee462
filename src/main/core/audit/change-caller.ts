import { userInfo } from 'node:os'
import type { Transport } from '#shared/contract/audit.contract'

/** Who made a change and through what: what every change log entry records about its caller. */
export type ChangeCaller = {
  transport: Transport
  actor: string
  /** The contract method, or the core job, that made the change. */
  method: string
}

/** The core's own writes (start-up recovery, maintenance). */
export const CORE_CALLER: ChangeCaller = { transport: 'in-process', actor: 'core', method: 'core' }

/** A run the feed schedule started. */
export const SCHEDULER_CALLER: ChangeCaller = {
  transport: 'scheduler',
  actor: 'scheduler',
  method: 'feeds.run',
}

/**
 * The caller of each feed run in progress, by run id: a run's batches are committed far from the call that
 * started it (run manager, pipeline, bulk writer), and their entries name the same caller. The caller is
 * passed explicitly rather than carried in an AsyncLocalStorage, which on Node 20 taxes every promise of
 * the process, the parsers' included.
 */
export type RunCallers = Map<string, ChangeCaller>

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
