import type { Writable } from 'node:stream'
import type { ExportSet } from '../export-set'
import { csvRow } from './csv-cell'
import { ENTITY_CSV_COLUMNS, INDICATOR_CSV_COLUMNS } from './csv-columns'

export type CsvOptions = {
  defang: boolean
  /** An entity list exports its entities; every other target its indicators. */
  rows: 'indicators' | 'entities'
  signal?: AbortSignal
  progress?: (done: number, total: number | null) => void
}

/** Bytes gathered before one write: a page of rows becomes a few large writes, not thousands of small ones. */
const CHUNK_CHARS = 256 * 1024

/** Resolves once the stream wants more; rejects if it fails meanwhile (a full disk). */
const drained = (out: Writable): Promise<void> =>
  new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain)
      out.off('error', done)
      out.off('close', onClose)
      if (err) reject(err)
      else resolve()
    }
    const onDrain = () => done()
    const onClose = () => done(new Error('the output closed before the export was written'))
    out.on('drain', onDrain)
    out.once('error', done)
    out.once('close', onClose)
  })

/** Writes text with backpressure: memory holds one chunk, however many rows the set has. */
const writer = (out: Writable) => {
  let buffer = ''
  const flush = async () => {
    if (buffer === '') return
    const text = buffer
    buffer = ''
    if (!out.write(text)) await drained(out)
  }
  return {
    push: async (text: string) => {
      buffer += text
      if (buffer.length >= CHUNK_CHARS) await flush()
    },
    flush,
  }
}

/**
 * The CSV of an export set, streamed: a header, then one row per indicator (or per entity for an entity
 * list), in the set's order. Does not end `out`: the caller owns it (a file, an HTTP response).
 */
export const writeCsv = async (
  set: ExportSet,
  out: Writable,
  opts: CsvOptions,
): Promise<{ rows: number }> => {
  const w = writer(out)
  const cellOpts = { defang: opts.defang }
  let rows = 0
  if (opts.rows === 'entities') {
    await w.push(csvRow(ENTITY_CSV_COLUMNS.map(([name]) => name)))
    for (const e of set.entities) {
      opts.signal?.throwIfAborted()
      await w.push(csvRow(ENTITY_CSV_COLUMNS.map(([, cell]) => cell(e, cellOpts))))
      rows++
    }
    opts.progress?.(rows, set.entities.length)
  } else {
    await w.push(csvRow(INDICATOR_CSV_COLUMNS.map(([name]) => name)))
    for await (const page of set.indicators()) {
      opts.signal?.throwIfAborted()
      let text = ''
      for (const i of page)
        text += csvRow(INDICATOR_CSV_COLUMNS.map(([, cell]) => cell(i, cellOpts)))
      await w.push(text)
      rows += page.length
      opts.progress?.(rows, set.indicatorCount)
    }
  }
  await w.flush()
  return { rows }
}
