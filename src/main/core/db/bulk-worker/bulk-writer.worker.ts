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
