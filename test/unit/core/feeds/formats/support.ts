import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type {
  FeedNote,
  FeedRecord,
  FeedReject,
  FormatParser,
  IntelObject,
} from '#core/feeds/feed-types'
import { type ParseStats, createParseStats } from '#core/feeds/formats/index'

export const FIXTURES = fileURLToPath(new URL('../../../../fixtures/feeds/', import.meta.url))

export const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(FIXTURES, name)))

export const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Options as a feed row delivers them: untyped JSON plus the signal. */
export type RawOptions = { signal?: AbortSignal; [key: string]: unknown }

/** The bytes in chunks of `size` (copies, like a socket would hand them over). */
export async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size)
}

export type ParseOutcome = {
  records: FeedRecord[]
  rejects: FeedReject[]
  objects: IntelObject[]
  notes: FeedNote[]
  batches: number
  largestBatch: number
  stats: ParseStats
}

/** Runs a parser over `bytes` fed in `chunkSize`-byte chunks and collects everything it yields. */
export const parseAll = async (
  parser: FormatParser,
  bytes: Uint8Array,
  chunkSize = 65536,
  options: RawOptions = {},
): Promise<ParseOutcome> => {
  const stats = createParseStats()
  const out: ParseOutcome = {
    records: [],
    rejects: [],
    objects: [],
    notes: [],
    batches: 0,
    largestBatch: 0,
    stats,
  }
  const opts: RawOptions = { stats, ...options }
  for await (const batch of parser(chunks(bytes, chunkSize), opts)) {
    out.batches++
    out.largestBatch = Math.max(out.largestBatch, batch.length)
    for (const item of batch) {
      if (item.kind === 'record') out.records.push(item.record)
      else if (item.kind === 'reject') out.rejects.push(item.reject)
      else if (item.kind === 'note') out.notes.push(item.note)
      else out.objects.push(item.object)
    }
  }
  return out
}

/** The same outcome whatever the chunking: proves chunk-boundary handling (multi-byte chars, CRLF, quotes). */
export const summary = (o: ParseOutcome): unknown => ({
  records: o.records,
  rejects: o.rejects,
  objects: o.objects,
  notes: o.notes,
  stats: o.stats,
})

// Asymmetric matchers typed as unknown, so object literals holding them stay type-safe.
export const matching = (re: RegExp): unknown => expect.stringMatching(re)
export const anyString = (): unknown => expect.any(String)
export const containing = (o: Record<string, unknown>): unknown => expect.objectContaining(o)
