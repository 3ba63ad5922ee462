import type { Progress } from './search-apply'

/** What the main thread passes the indexer worker (structured-cloned into workerData). */
export type SearchWorkerData = {
  file: string
  mainFile: string
  nativeBinding?: string
  chunkRows?: number
  /** Poll of the log when idle, in case a notify was missed (or a writer on another connection). */
  pollMs?: number
  /** Idle time before a merge is considered (see the worker). */
  optimizeAfterIdleMs?: number
}

export type ToWorker = { type: 'notify' } | { type: 'stop' }

export type FromWorker =
  | ({ type: 'ready'; created: boolean; reason?: string } & Progress)
  | ({ type: 'progress'; idle: boolean; rows: number } & Progress)
  | {
      type: 'log'
      level: 'info' | 'warn' | 'error'
      message: string
      fields?: Record<string, unknown>
    }
  | { type: 'stopped' }
