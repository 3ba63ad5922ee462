import { parentPort, workerData } from 'node:worker_threads'
import { createSearchApplier, type SearchApplier, type StepResult } from './search-apply'
import { openSearchFile } from './search-file'
import type { FromWorker, SearchWorkerData, ToWorker } from './search-messages'

/**
 * The search indexer thread: applies the main database's search_log to search.sqlite (search-apply.ts) on
 * the second core, so the writers only append a log row. It never writes the main database.
 *
 * Merging: automerge is off (0001 explains why), so FTS5 merges only when 16 segments pile up on a level.
 * After a large catch-up (a tenth of the index or more since the last time, and at least MIN_OPTIMIZE_ROWS)
 * and once the log has been quiet for a moment, the index is optimized into one segment; during an import
 * the log is never quiet, so this runs once at its end, not at every batch.
 */
const MIN_OPTIMIZE_ROWS = 20_000

const data = workerData as SearchWorkerData
const port = parentPort
if (port === null) throw new Error('search-indexer.worker must run as a worker thread')
const post = (m: FromWorker) => port.postMessage(m)
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e))

let stopping = false
let wake: (() => void) | null = null
let wakeTimer: NodeJS.Timeout | null = null
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    wake = resolve
    wakeTimer = setTimeout(resolve, ms)
  })
const wakeUp = () => {
  if (wakeTimer !== null) clearTimeout(wakeTimer)
  const w = wake
  wake = null
  w?.()
}
port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') stopping = true
  wakeUp()
})

const run = async (): Promise<void> => {
  const opened = openSearchFile({
    file: data.file,
    mainFile: data.mainFile,
    nativeBinding: data.nativeBinding,
  })
  const db = opened.db
  const applier: SearchApplier = createSearchApplier(db, {
    chunkRows: data.chunkRows,
    warn: (message, fields) => post({ type: 'log', level: 'warn', message, fields }),
  })
  post({ type: 'ready', created: opened.created, reason: opened.reason, ...applier.progress() })
  if (opened.created && opened.reason !== 'missing') {
    post({
      type: 'log',
      level: 'warn',
      message: 'search index rebuilt',
      fields: { reason: opened.reason },
    })
  }
  let rowsSinceOptimize = 0
  let lastWork = Date.now()
  const pollMs = data.pollMs ?? 250
  const quietMs = data.optimizeAfterIdleMs ?? 1000
  while (!stopping) {
    let step: StepResult
    try {
      step = applier.step()
    } catch (e) {
      // Busy or I/O trouble: report it and try again later; the step rolled back, nothing is lost.
      post({
        type: 'log',
        level: 'error',
        message: 'search index step failed',
        fields: { error: errorText(e) },
      })
      await sleep(1000)
      continue
    }
    const { worked, rows } = step
    if (worked) {
      rowsSinceOptimize += rows
      lastWork = Date.now()
      post({ type: 'progress', idle: false, rows, ...applier.progress() })
      // Let stop and notify messages in between steps.
      await new Promise((resolve) => setImmediate(resolve))
      continue
    }
    post({ type: 'progress', idle: true, rows: 0, ...applier.progress() })
    const big = Math.max(MIN_OPTIMIZE_ROWS, applier.size() / 10)
    if (rowsSinceOptimize >= big && Date.now() - lastWork >= quietMs) {
      applier.optimize()
      rowsSinceOptimize = 0
      continue
    }
    await sleep(rowsSinceOptimize >= big ? Math.min(pollMs, quietMs) : pollMs)
  }
  // Fold the WAL back so the file is self-contained while the app is closed.
  db.pragma('main.wal_checkpoint(TRUNCATE)')
  db.close()
}

run().then(
  () => {
    post({ type: 'stopped' })
    port.close()
  },
  (e: unknown) => {
    post({
      type: 'log',
      level: 'error',
      message: 'search indexer failed',
      fields: { error: errorText(e) },
    })
    throw e
  },
)
