import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import type BetterSqlite3 from 'better-sqlite3'
import type { Logger } from '#core/platform/logger'
import { spawnWorker } from '#core/workers/spawn-worker'
import { lastLogSeq, type Progress } from './search-apply'
import type { FromWorker, SearchWorkerData, ToWorker } from './search-messages'

/**
 * The main thread's handle on the search indexer worker (search-indexer.worker.ts), which keeps
 * `<dataDir>/search.sqlite` in step with the main database's search_log on the second core.
 *
 * Writers only append to the log (src/main/db/bulk/indicator-search-index.ts), so the index trails the
 * table by however long the worker takes; readers that must see their own writes call catchUp() first.
 */
export type SearchIndexer = {
  /** The file exists with its schema (a rebuild may still be under way); rejects if the worker failed. */
  readonly ready: Promise<void>
  /** The path of search.sqlite (the core attaches it as `search`). */
  readonly file: string
  /** New log entries were committed: wake the worker now rather than at its next poll. */
  notify(): void
  /** Resolves true once every log entry that existed at the call is in the index, false on timeout. */
  catchUp(timeoutMs: number): Promise<boolean>
  status(): SearchIndexStatus
  /** Calls `listener` with each progress report from the worker; returns the unsubscribe. */
  onDidProgress(listener: (progress: Progress) => void): () => void
  /** Lets the worker finish its step, checkpoint and close. Pending entries wait for the next start. */
  stop(): Promise<void>
  /** Ends the worker at once, as a crash would (its open transaction is lost, nothing else). */
  terminate(): Promise<void>
}

export type SearchIndexStatus = Progress & {
  /** The newest log entry. */
  logSeq: number
  /** Log entries not yet in the index (all of them while a rebuild runs). */
  pending: number
  running: boolean
}

export type SearchIndexerOptions = {
  dataDir: string
  /** The main database file; the worker reads its search_log and indicators. */
  mainFile: string
  /** A connection to the main database, to read where the log ends (catchUp, status). */
  sqlite: BetterSqlite3.Database
  nativeBinding?: string
  logger: Logger
  /** Applied entries are deleted from the log through this (the caller's write queue); keeps the newest. */
  prune?: (belowSeq: number) => Promise<void>
  /** Tuning for tests: rows per transaction, idle poll. */
  chunkRows?: number
  pollMs?: number
}

/** Log pruning runs at most this often (each is a small write-queue job). */
const PRUNE_EVERY_MS = 10_000

export const createSearchIndexer = (opts: SearchIndexerOptions): SearchIndexer => {
  const file = join(opts.dataDir, 'search.sqlite')
  const data: SearchWorkerData = {
    file,
    mainFile: opts.mainFile,
    nativeBinding: opts.nativeBinding,
    chunkRows: opts.chunkRows,
    pollMs: opts.pollMs,
  }
  const worker: Worker = spawnWorker(
    { name: 'search-indexer', source: join(__dirname, 'search-indexer.worker.ts') },
    data,
    // The worker holds a statement's rows at most; SQLite's caches are outside the JS heap (search-file.ts).
    { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 },
  )
  let progress: Progress | null = null
  let running = true
  let prunedBelow = 0
  let lastPrune = 0
  type Waiter = { target: number; resolve: (done: boolean) => void; timer: NodeJS.Timeout }
  const waiters = new Set<Waiter>()
  const progressListeners = new Set<(progress: Progress) => void>()
  let settleReady: { resolve: () => void; reject: (e: Error) => void } | null = null
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = { resolve, reject }
  })
  // Callers await `ready`; this only keeps an unobserved failure from being an unhandled rejection.
  ready.catch(() => undefined)
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))

  const logEnd = () => lastLogSeq(opts.sqlite)
  const doneThrough = (target: number) =>
    progress !== null && !progress.rebuilding && progress.doneSeq >= target

  const settle = (w: Waiter, done: boolean) => {
    clearTimeout(w.timer)
    waiters.delete(w)
    w.resolve(done)
  }

  const maybePrune = () => {
    const p = progress
    if (opts.prune === undefined || p === null || p.rebuilding || !running) return
    if (p.doneSeq <= prunedBelow || Date.now() - lastPrune < PRUNE_EVERY_MS) return
    lastPrune = Date.now()
    const below = p.doneSeq
    opts.prune(below).then(
      () => {
        prunedBelow = below
      },
      (e: unknown) => opts.logger.warn('search log prune failed', { error: e }),
    )
  }

  worker.on('message', (m: FromWorker) => {
    switch (m.type) {
      case 'ready':
      case 'progress':
        progress = { doneSeq: m.doneSeq, partial: m.partial, rebuilding: m.rebuilding }
        if (m.type === 'ready') {
          if (m.created) opts.logger.info('search index created', { reason: m.reason })
          settleReady?.resolve()
        }
        for (const w of waiters) if (doneThrough(w.target)) settle(w, true)
        for (const listener of progressListeners) listener(progress)
        if (m.type === 'progress' && m.idle) maybePrune()
        break
      case 'log':
        opts.logger[m.level](m.message, m.fields)
        break
      case 'stopped':
        break
    }
  })
  worker.on('error', (e) => {
    opts.logger.error('search indexer failed', { error: e })
    settleReady?.reject(e)
  })
  void exited.then(() => {
    running = false
    settleReady?.reject(new Error('search indexer exited before it was ready'))
    for (const w of waiters) settle(w, false)
  })

  const send = (m: ToWorker) => {
    if (running) worker.postMessage(m)
  }

  return {
    ready,
    file,
    notify: () => send({ type: 'notify' }),
    catchUp: (timeoutMs) => {
      const target = logEnd()
      if (doneThrough(target)) return Promise.resolve(true)
      if (!running) return Promise.resolve(false)
      send({ type: 'notify' })
      return new Promise<boolean>((resolve) => {
        const w: Waiter = { target, resolve, timer: setTimeout(() => settle(w, false), timeoutMs) }
        waiters.add(w)
      })
    },
    status: () => {
      const logSeq = logEnd()
      const p = progress ?? { doneSeq: 0, partial: false, rebuilding: true }
      return { ...p, logSeq, pending: logSeq - (p.rebuilding ? 0 : p.doneSeq), running }
    },
    onDidProgress: (listener) => {
      progressListeners.add(listener)
      return () => progressListeners.delete(listener)
    },
    stop: async () => {
      if (!running) return exited
      send({ type: 'stop' })
      // A step is a fraction of a second and an optimize a few seconds on a big index.
      const timer = setTimeout(() => void worker.terminate(), 60_000)
      await exited
      clearTimeout(timer)
    },
    terminate: async () => {
      await worker.terminate()
      await exited
    },
  }
}

/**
 * Attaches search.sqlite to a main-database connection as `search`, for the queries. Used read-only, but
 * not opened read-only (URI filenames are off in this better-sqlite3 build): no main-connection code may
 * write `search.*`, and transactions on that connection stay deferred (BEGIN IMMEDIATE would lock
 * search.sqlite as well and stall the indexer for the transaction's length).
 */
export const attachSearchIndex = (sqlite: BetterSqlite3.Database, file: string): void => {
  sqlite.prepare('ATTACH DATABASE ? AS search').run(file)
}

export const detachSearchIndex = (sqlite: BetterSqlite3.Database): void => {
  const attached = (sqlite.pragma('database_list') as { name: string }[]).some(
    (d) => d.name === 'search',
  )
  if (attached) sqlite.exec('DETACH DATABASE search')
}
