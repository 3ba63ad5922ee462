import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { deserialize, serialize } from 'node:v8'
import type { PreparedBatch } from './engine-types'

/**
 * Staging for remote runs: "nothing is written from a failed download". Parsed, canonical batches go to a
 * per-run file in <dataDir>/tmp/feed-runs while the body streams (so we still parse while downloading and never hold
 * the feed in memory); only once the download and the parse have completed are they replayed into the real
 * tables, one transaction per batch. A failure or cancel before that point deletes the file and the database
 * never saw the run's data. A file beats a staging table here: appending serialised batches costs no B-tree
 * maintenance and no write-queue slots while the network is the bottleneck.
 */
export type Spool = {
  readonly path: string
  append(batch: PreparedBatch): Promise<void>
  /** Closes the writer and yields the batches back in order. */
  replay(): AsyncGenerator<PreparedBatch>
  discard(): Promise<void>
  readonly batches: number
}

export const spoolDir = (dataDir: string): string => join(dataDir, 'tmp', 'feed-runs')
const spoolName = (runId: string) => `run-${runId}.spool`
const SPOOL_NAME = /^run-([0-9a-f-]{36})\.spool$/

export const createSpool = async (dataDir: string, runId: string): Promise<Spool> => {
  const dir = spoolDir(dataDir)
  await mkdir(dir, { recursive: true })
  const path = join(dir, spoolName(runId))
  let writer: FileHandle | null = await open(path, 'w', 0o600)
  let batches = 0
  const closeWriter = async () => {
    const w = writer
    writer = null
    await w?.close()
  }
  return {
    path,
    get batches() {
      return batches
    },
    async append(batch) {
      if (!writer) throw new Error('spool is closed')
      const body = serialize(batch)
      const head = Buffer.allocUnsafe(4)
      head.writeUInt32LE(body.length, 0)
      await writer.write(head)
      await writer.write(body)
      batches++
    },
    async *replay() {
      await closeWriter()
      const reader = await open(path, 'r')
      try {
        const head = Buffer.allocUnsafe(4)
        let pos = 0
        for (let i = 0; i < batches; i++) {
          await readExactly(reader, head, pos)
          pos += 4
          const body = Buffer.allocUnsafe(head.readUInt32LE(0))
          await readExactly(reader, body, pos)
          pos += body.length
          yield deserialize(body) as PreparedBatch
        }
      } finally {
        await reader.close()
      }
    },
    async discard() {
      await closeWriter().catch(() => undefined)
      await rm(path, { force: true })
    },
  }
}

const readExactly = async (fh: FileHandle, buf: Buffer, position: number): Promise<void> => {
  let off = 0
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, position + off)
    if (bytesRead === 0) throw new Error('spool file ends early')
    off += bytesRead
  }
}

/**
 * Deletes the left-over spool files: those of runs that are no longer open (a crash interrupted them and
 * they have been closed, or their own clean-up failed). A run another process is still staging keeps its
 * file: `isOpen` reads the run row at the time of each file, after the abandoned runs were closed.
 */
export const removeSpools = async (
  dataDir: string,
  isOpen: (runId: string) => boolean,
): Promise<number> => {
  let names: string[]
  try {
    names = await readdir(spoolDir(dataDir))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw e
  }
  let removed = 0
  for (const name of names) {
    const runId = SPOOL_NAME.exec(name)?.[1]
    if (runId === undefined || isOpen(runId)) continue
    await rm(join(spoolDir(dataDir), name), { force: true })
    removed++
  }
  return removed
}
