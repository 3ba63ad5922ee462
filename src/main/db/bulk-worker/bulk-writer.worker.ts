import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { applyConnectionPragmas } from '../connection-pragmas'
import { createBulkWriteHost, serializeError } from './bulk-write-host'
import type { BulkReply, BulkRequest, CloseRequest, WorkerInit } from './protocol'

// Entry of the bulk-writer worker thread: its own connection to threateye.sqlite, so big imports write on
// the second core while the main thread parses the next batch and keeps answering the UI.
const port = parentPort
if (port === null) throw new Error('bulk-writer.worker must run as a worker thread')
const init = workerData as WorkerInit
const post = (reply: BulkReply) => port.postMessage(reply)

try {
  const db = new Database(
    init.file,
    init.nativeBinding ? { nativeBinding: init.nativeBinding } : {},
  )
  applyConnectionPragmas(db)
  // This connection only ever runs imports: checkpoint every 64 MiB of WAL rather than every 4 MiB, so
  // consecutive batches' copies of the same index pages fold into one checkpoint (see
  // src/main/feeds/engine/import-tuning.ts for the measurement).
  db.pragma('wal_autocheckpoint = 16384')
  const host = createBulkWriteHost(db)
  port.on('message', (req: BulkRequest | CloseRequest) => {
    if (req.op === 'close') {
      db.close()
      port.close()
      return
    }
    let reply: BulkReply | undefined
    try {
      reply = host.handle(req)
    } catch (e) {
      reply = { fatal: serializeError(e) }
    }
    if (reply !== undefined) post(reply)
  })
  post({ ready: true })
} catch (e) {
  post({ fatal: serializeError(e) })
}
