import { Writable } from 'node:stream'
import type { ExportSet } from '#core/export/export-set'
import { type MispExportOptions, writeMispEvent } from '#core/export/misp/misp-event.writer'
import { type StixExportOptions, writeStixBundle } from '#core/export/stix/stix-bundle.writer'

/** A Writable that keeps what it is given, optionally slow and with a small buffer (backpressure). */
export const collect = (opts: { highWaterMark?: number; delayEvery?: number } = {}) => {
  const chunks: string[] = []
  let writes = 0
  const stream = new Writable({
    highWaterMark: opts.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'))
      writes++
      // Deferring the callback keeps the buffer full, so the writer has to wait for 'drain'.
      if (opts.delayEvery !== undefined && writes % opts.delayEvery === 0) setImmediate(done)
      else done()
    },
  })
  return { stream, text: () => chunks.join(''), writes: () => writes }
}

/** A Writable that only counts bytes, for exports too large to keep. */
export const countingSink = () => {
  let bytes = 0
  const stream = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.byteLength
      setImmediate(done)
    },
  })
  return { stream, bytes: () => bytes }
}

export type Obj = Record<string, unknown> & { type: string; id: string }
export type Bundle = { type: string; id: string; objects: Obj[] }

/** A set written as a STIX bundle into memory: the writer's count, the text and the parsed bundle. */
export const exportStix = async (set: ExportSet, opts: StixExportOptions = {}) => {
  const out = collect()
  const result = await writeStixBundle(set, out.stream, opts)
  const text = out.text()
  return { result, text, bundle: JSON.parse(text) as Bundle }
}

export type MispDoc = {
  Event: Record<string, unknown> & {
    uuid: string
    Tag: { name: string }[]
    Attribute: (Record<string, unknown> & { type: string; value: string })[]
    Galaxy: (Record<string, unknown> & { type: string; GalaxyCluster: Record<string, unknown>[] })[]
    EventReport: Record<string, unknown>[]
  }
}

/** A set written as a MISP event into memory. */
export const exportMisp = async (set: ExportSet, opts: MispExportOptions = {}) => {
  const out = collect()
  const result = await writeMispEvent(set, out.stream, opts)
  const text = out.text()
  return { result, text, doc: JSON.parse(text) as MispDoc }
}
