import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppError } from '#shared/contract/errors'
import { peekBytes } from '../decode/byte-streams'
import { decodeStream } from '../decode/decode'
import type { FeedFormat, ParseItem } from '../feed-types'
import { detectFormat, parsers, type DetectResult } from '../formats'
import { SNIFF_BYTES, describeNonFeed } from '../http/sniff'
import {
  fetchFeed,
  type FeedAuth,
  type FetchDeps,
  type FetchExpect,
  type FetchLimits,
} from '../http/fetcher'

/** What the pipeline reads: parsed item batches, whether they must be staged, and what to remember after. */
export type OpenedSource =
  | { kind: 'not-modified' }
  | {
      kind: 'items'
      format: FeedFormat
      items: AsyncIterable<ParseItem[]>
      /** Remote bodies are staged: nothing reaches the tables unless the whole download succeeded. */
      staged: boolean
      bytes(): number
      /** Feed state to merge after a successful run (ETag, Last-Modified, cursors). */
      state?: () => Record<string, unknown>
    }

export type StreamFormat = Exclude<FeedFormat, 'misp-feed' | 'taxii'>

const MiB = 1024 * 1024
/** Local files may be big dumps (URLhaus full is ~1 GB unzipped) but not unbounded. */
export const MAX_LOCAL_DECODED_BYTES = 4096 * MiB
const DETECT_BYTES = 64 * 1024

const isStreamFormat = (f: FeedFormat): f is StreamFormat => f !== 'misp-feed' && f !== 'taxii'

async function* counted(
  src: AsyncIterable<Uint8Array>,
  add: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of src) {
    add(chunk.length)
    yield chunk
  }
}

async function* bytesOfText(content: string): AsyncGenerator<Uint8Array> {
  // Slices, so one 32 MiB string does not become one 32 MiB parser chunk.
  const buf = Buffer.from(content, 'utf8')
  for (let off = 0; off < buf.length; off += MiB)
    yield buf.subarray(off, Math.min(buf.length, off + MiB))
}

/**
 * Picks the format of a stream when the caller said 'auto', from its first 64 KB and its name. Whatever
 * the format, an input that holds no format we read (an HTML page, XML, an image) is refused with what it
 * looks like, rather than parsed into junk pulled out of its markup.
 */
export const utf16Of = (head: Uint8Array): 'utf-16le' | 'utf-16be' | null =>
  head[0] === 0xff && head[1] === 0xfe
    ? 'utf-16le'
    : head[0] === 0xfe && head[1] === 0xff
      ? 'utf-16be'
      : null

export async function* toUtf8(
  input: AsyncIterable<Uint8Array>,
  encoding: 'utf-16le' | 'utf-16be',
): AsyncGenerator<Uint8Array> {
  // The decoder drops the BOM and keeps a code unit split across chunks for the next one.
  const decoder = new TextDecoder(encoding)
  const encoder = new TextEncoder()
  for await (const chunk of input) {
    const text = decoder.decode(chunk, { stream: true })
    if (text.length > 0) yield encoder.encode(text)
  }
  const rest = decoder.decode()
  if (rest.length > 0) yield encoder.encode(rest)
}

export const resolveFormat = async (
  format: FeedFormat | 'auto',
  stream: AsyncIterable<Uint8Array>,
  fileName: string | undefined,
): Promise<{ format: FeedFormat; stream: AsyncIterable<Uint8Array> }> => {
  // Detection reads 64 KB; telling markup or binary from data needs the first few only, so a named
  // format starts parsing (and reporting progress) as soon as those arrived.
  const first = await peekBytes(stream, format === 'auto' ? DETECT_BYTES : SNIFF_BYTES)
  const utf16 = utf16Of(first.head)
  // UTF-16 (Windows tools write it, with a BOM) becomes UTF-8 here, so every parser reads one encoding.
  const peeked =
    utf16 === null
      ? first
      : await peekBytes(toUtf8(first.stream, utf16), format === 'auto' ? DETECT_BYTES : SNIFF_BYTES)
  const head = peeked.head.subarray(0, DETECT_BYTES)
  if (head.length === 0 && format === 'auto') {
    await peeked.stream[Symbol.asyncIterator]().return?.()
    throw new AppError(
      'invalid_input',
      `${fileName ?? 'the input'} is empty: there is nothing to import`,
    )
  }
  const nonFeed = describeNonFeed(head)
  const found: DetectResult =
    nonFeed !== undefined
      ? { unknown: true, looksLike: nonFeed }
      : format === 'auto'
        ? detectFormat(head, fileName)
        : { format }
  if ('format' in found) return { format: found.format, stream: peeked.stream }
  // The stream is not consumed further: release the file or connection.
  await peeked.stream[Symbol.asyncIterator]().return?.()
  const what = fileName ?? 'the input'
  if ('ambiguous' in found) {
    throw new AppError(
      'invalid_input',
      `format: ${what} could be any of ${found.ambiguous.join(', ')}; choose one`,
      { ambiguous: found.ambiguous },
    )
  }
  const looksLike = 'looksLike' in found ? found.looksLike : undefined
  if (looksLike !== undefined) {
    throw new AppError(
      'invalid_input',
      `format: ${what} looks like ${looksLike}, not indicators in a format ThreatEye reads; nothing was imported`,
      { looksLike },
    )
  }
  throw new AppError(
    'invalid_input',
    `format: could not recognise the format of ${what}; choose one`,
  )
}

const parse = (
  format: FeedFormat,
  stream: AsyncIterable<Uint8Array>,
  options: Record<string, unknown>,
  signal: AbortSignal,
): AsyncIterable<ParseItem[]> => {
  if (!isStreamFormat(format)) {
    throw new AppError(
      'unsupported',
      `format: ${format} is read from a feed URL, not from a file or a text`,
    )
  }
  return parsers[format](stream, { ...options, signal })
}

export const openFileSource = async (opts: {
  path: string
  format: FeedFormat | 'auto'
  options: Record<string, unknown>
  signal: AbortSignal
}): Promise<OpenedSource> => {
  const info = await stat(opts.path).catch((e: NodeJS.ErrnoException) => {
    throw new AppError('not_found', `path: cannot read ${opts.path} (${e.code ?? e.message})`)
  })
  if (!info.isFile()) throw new AppError('invalid_input', `path: ${opts.path} is not a file`)
  let bytes = 0
  const raw = counted(
    createReadStream(opts.path, { highWaterMark: MiB, signal: opts.signal }),
    (n) => {
      bytes += n
    },
  )
  const name = basename(opts.path)
  const decoded = decodeStream(raw, {
    encoding: 'auto',
    maxDecompressedBytes: MAX_LOCAL_DECODED_BYTES,
    label: name,
  })
  const { format, stream } = await resolveFormat(
    opts.format,
    decoded,
    name.replace(/\.(gz|zip)$/i, ''),
  )
  return {
    kind: 'items',
    format,
    staged: false,
    bytes: () => bytes,
    items: parse(format, stream, opts.options, opts.signal),
  }
}

export const openTextSource = async (opts: {
  content: string
  fileName: string
  format: FeedFormat | 'auto'
  options: Record<string, unknown>
  signal: AbortSignal
}): Promise<OpenedSource> => {
  let bytes = 0
  const raw = counted(bytesOfText(opts.content), (n) => {
    bytes += n
  })
  const { format, stream } = await resolveFormat(opts.format, raw, opts.fileName)
  return {
    kind: 'items',
    format,
    staged: false,
    bytes: () => bytes,
    items: parse(format, stream, opts.options, opts.signal),
  }
}

const EXPECT: Record<StreamFormat, FetchExpect> = {
  'urlhaus-csv': 'csv',
  'threatfox-csv': 'csv',
  'threatfox-json': 'json',
  'feodo-csv': 'csv',
  'feodo-json': 'json',
  'openphish-txt': 'text',
  'phishtank-csv': 'csv',
  'phishtank-json': 'json',
  'spamhaus-drop': 'text',
  'generic-csv': 'csv',
  text: 'text',
  'misp-event': 'json',
  'stix-bundle': 'json',
}

export type RemoteDeps = { fetch: FetchDeps; limits?: Partial<FetchLimits> }

/** The file name a URL's path ends with, for format detection of ad-hoc URL imports. */
const urlFileName = (url: string): string | undefined => {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop()
    return last ? decodeURIComponent(last).replace(/\.(gz|zip)$/i, '') : undefined
  } catch {
    return undefined
  }
}

export const openUrlSource = async (
  opts: {
    url: string
    format: FeedFormat | 'auto'
    options: Record<string, unknown>
    auth?: FeedAuth
    etag?: string | null
    lastModified?: string | null
    signal: AbortSignal
  },
  deps: RemoteDeps,
): Promise<OpenedSource> => {
  const res = await fetchFeed(
    {
      url: opts.url,
      auth: opts.auth,
      etag: opts.etag,
      lastModified: opts.lastModified,
      expect:
        opts.format !== 'auto' && isStreamFormat(opts.format) ? EXPECT[opts.format] : 'binary',
      limits: deps.limits,
      signal: opts.signal,
    },
    deps.fetch,
  )
  if (res.status === 'not-modified') return { kind: 'not-modified' }
  const { format, stream } = await resolveFormat(opts.format, res.body, urlFileName(res.url))
  return {
    kind: 'items',
    format,
    staged: true,
    bytes: () => res.bytesIn(),
    items: parse(format, stream, opts.options, opts.signal),
    state: () => ({ etag: res.etag ?? null, lastModified: res.lastModified ?? null }),
  }
}
