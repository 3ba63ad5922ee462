/**
 * better-sqlite3 has one connection, so two async TypeORM transactions would interleave their statements on
 * it. Every write therefore goes through this FIFO queue: one job at a time, in arrival order.
 */
export type WriteQueue = {
  run<T>(label: string, job: () => Promise<T> | T): Promise<T>
  /** Resolves once every job queued so far has settled. */
  waitForIdle(): Promise<void>
  /** Called after each job settles (the search indexer is woken this way: a job may have logged changes). */
  onDidRun(listener: () => void): void
  readonly pending: number
}

export const createWriteQueue = (): WriteQueue => {
  let tail: Promise<unknown> = Promise.resolve()
  let pending = 0
  const listeners: (() => void)[] = []
  const settled = () => {
    pending--
    for (const l of listeners) {
      try {
        l()
      } catch {
        // A listener's failure must not break the chain: later jobs would never run.
      }
    }
  }
  return {
    run<T>(_label: string, job: () => Promise<T> | T): Promise<T> {
      pending++
      const result = tail.then(job)
      // The chain must survive a failed job, and the count must drop whatever happens.
      tail = result.then(settled, settled)
      return result
    },
    waitForIdle: () => tail.then(() => undefined),
    onDidRun: (listener) => {
      listeners.push(listener)
    },
    get pending() {
      return pending
    },
  }
}
