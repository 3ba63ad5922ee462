import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { systemClock, type Clock } from '#core/platform/clock'

/**
 * Who runs a feed run. Several processes may open one data directory (the desktop app or `serve`, and CLI
 * imports): each core stamps its runs with its owner and keeps a heartbeat on them while they are live, so
 * a process that starts closes only the runs whose owner is gone, never another process's live run.
 */
export type RunOwner = {
  pid: number
  /** Unique per core: a pid may be reused by an unrelated process, this id never is. */
  instance: string
  host: string
}

export const createRunOwner = (): RunOwner => ({
  pid: process.pid,
  instance: randomUUID(),
  host: hostname().slice(0, 255),
})

export type RunLiveness = {
  /** How often the owner refreshes the heartbeat of its live runs. */
  heartbeatMs: number
  /** A heartbeat older than this means the owner is gone (hung, killed on another host, clock jumps). */
  staleAfterMs: number
  /**
   * Heartbeats are compared across processes, so they are the machine's time, never a core's test clock
   * (a fixed clock would make every heartbeat look fresh, or stale, forever).
   */
  clock: Clock
}

export const DEFAULT_RUN_LIVENESS: RunLiveness = {
  heartbeatMs: 5_000,
  staleAfterMs: 60_000,
  clock: systemClock,
}

/** An open run's owner as stored (all null on runs recorded before migration 0008). */
export type StoredOwner = {
  ownerPid: number | null
  ownerInstance: string | null
  ownerHost: string | null
  heartbeatAt: string | null
}

/** Whether a process with this pid exists on this host (EPERM: it exists, as another user). */
export const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Why an open run's owner is gone, or null while it may still be working. `activeHere` says whether this
 * core still runs a run: one stamped with our own instance that we no longer run can never finish.
 */
export const ownerGoneReason = (
  run: StoredOwner & { id: string },
  self: RunOwner,
  liveness: RunLiveness,
  activeHere: (runId: string) => boolean,
): string | null => {
  const { ownerPid, ownerInstance, ownerHost, heartbeatAt } = run
  if (ownerInstance === null || ownerPid === null) return 'no owner recorded'
  if (ownerInstance === self.instance) return activeHere(run.id) ? null : 'not running here'
  if (ownerHost === self.host && !pidAlive(ownerPid)) return `process ${ownerPid} has exited`
  const beat = heartbeatAt === null ? Number.NaN : Date.parse(heartbeatAt)
  if (Number.isNaN(beat)) return 'no heartbeat'
  const age = liveness.clock.now().getTime() - beat
  if (age > liveness.staleAfterMs) return `no heartbeat for ${Math.round(age / 1000)} s`
  return null
}
