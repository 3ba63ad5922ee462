import { Readable, pipeline, type Transform } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib'
import { assertNever } from '#shared/domain/enums'
import { FeedFetchError, formatBytes, isFeedFetchError } from '../http/fetch-error'
import { GZIP_MAGIC, ZIP_EMPTY_MAGIC, ZIP_MAGIC, peekBytes, startsWith } from './byte-streams'
import { unzipFirstEntry } from './unzip'

export type DecodeEncoding = 'gzip' | 'deflate' | 'br' | 'zip' | 'none' | 'auto'

export type DecodeOptions = {
  /** 'auto' (default) looks at the magic bytes: gzip (1f 8b) and zip (PK\x03\x04); anything else is 'none'. */
  encoding?: DecodeEncoding
  /** Hard cap on the output; the stream is aborted the moment it is crossed ('bomb', or 'too-large' for 'none'). */
  maxDecompressedBytes: number
  /** Which zip entry to extract (default: the first file that is not a directory or macOS metadata). */
  zipEntry?: (name: string) => boolean
  /** Names the input in error messages (a redacted URL or a file name). */
  label?: string
}

// Larger than zlib's 16 KiB default: fewer chunks through the async pipeline at 100k+ rows/s.
const ZLIB_CHUNK = 64 * 1024

const describe = (label: string | undefined): string => (label ? ` (${label})` : '')

/** Passes bytes through, failing as soon as more than `cap` have gone by. */
async function* capped(
  body: AsyncIterable<Uint8Array>,
  cap: number,
  onOver: (total: number) => FeedFetchError,
): AsyncGenerator<Uint8Array> {
  let total = 0
  for await (const chunk of body) {
    total += chunk.length
    if (total > cap) throw onOver(total)
    yield chunk
  }
}

const zlibFailure = (e: unknown, kind: string, label?: string): unknown => {
  if (isFeedFetchError(e)) return e
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined
  if (
    typeof code !== 'string' ||
    !(code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR__'))
  )
    return e
  const message = e instanceof Error ? e.message : String(e)
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(message))
    return new FeedFetchError(
      'truncated',
      `The ${kind} data ends early${describe(label)}: the file is incomplete.`,
    )
  return new FeedFetchError(
    'content-type',
    `The ${kind} data is corrupt${describe(label)}: ${message}.`,
  )
}

/** zlib's streams pull at the consumer's pace, so memory stays at a few chunks whatever the ratio. */
async function* inflate(
  body: AsyncIterable<Uint8Array>,
  kind: 'gzip' | 'deflate' | 'br',
  cap: number,
  label?: string,
): AsyncGenerator<Uint8Array> {
  let source = body
  let z: Transform
  if (kind === 'gzip') z = createGunzip({ chunkSize: ZLIB_CHUNK })
  else if (kind === 'br') z = createBrotliDecompress({ chunkSize: ZLIB_CHUNK })
  else {
    // "deflate" is meant to be zlib-wrapped (RFC 9110) but some servers send raw deflate: check the header.
    const { head, stream } = await peekBytes(body, 2)
    source = stream
    const zlibWrapped =
      head.length >= 2 && (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0
    z = zlibWrapped
      ? createInflate({ chunkSize: ZLIB_CHUNK })
      : createInflateRaw({ chunkSize: ZLIB_CHUNK })
  }
  const src = Readable.from(source, { objectMode: false })
  // Errors surface through the iteration of `z` (pipeline destroys it with the source's error).
  pipeline(src, z, () => undefined)
  let total = 0
  try {
    for await (const chunk of z as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > cap)
        throw new FeedFetchError(
          'bomb',
          `Decompressed ${kind} data exceeds the ${formatBytes(cap)} limit${describe(label)}; stopped reading (likely a decompression bomb).`,
        )
      yield chunk
    }
  } catch (e) {
    throw zlibFailure(e, kind === 'br' ? 'brotli' : kind, label)
  } finally {
    z.destroy()
    src.destroy()
  }
}

const sniffEncoding = (head: Uint8Array): 'gzip' | 'zip' | 'none' => {
  if (startsWith(head, GZIP_MAGIC)) return 'gzip'
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, ZIP_EMPTY_MAGIC)) return 'zip'
  return 'none'
}

/**
 * Decompresses a byte stream (an HTTP body or a local file) with a hard cap on the output. Used by the
 * fetcher for Content-Encoding and for .gz/.zip bodies, and by the engine for local files.
 */
export async function* decodeStream(
  body: AsyncIterable<Uint8Array>,
  options: DecodeOptions,
): AsyncGenerator<Uint8Array> {
  const cap = options.maxDecompressedBytes
  const encoding = options.encoding ?? 'auto'
  switch (encoding) {
    case 'auto': {
      const { head, stream } = await peekBytes(body, 4)
      yield* decodeStream(stream, { ...options, encoding: sniffEncoding(head) })
      return
    }
    case 'none':
      yield* capped(
        body,
        cap,
        () =>
          new FeedFetchError(
            'too-large',
            `The data exceeds the ${formatBytes(cap)} limit${describe(options.label)}; stopped reading.`,
          ),
      )
      return
    case 'gzip':
    case 'deflate':
    case 'br':
      yield* inflate(body, encoding, cap, options.label)
      return
    case 'zip':
      yield* unzipFirstEntry(body, { maxBytes: cap, entry: options.zipEntry, label: options.label })
      return
    default:
      assertNever(encoding, 'encoding')
  }
}
