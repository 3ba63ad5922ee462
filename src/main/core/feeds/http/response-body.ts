import { STATUS_CODES } from 'node:http'
import type { Dispatcher } from 'undici'
import { decodeStream, type DecodeEncoding } from '../decode/decode'
import { FeedFetchError, formatBytes, isFeedFetchError, sanitiseSnippet } from './fetch-error'
import type { FetchLimits } from './fetch-types'
import { classifyError } from './retry'

type Headers = Dispatcher.ResponseData['headers']
type Body = Dispatcher.ResponseData['body']

/** First value of a response header, lower-case name. */
export const header = (headers: Headers, name: string): string | undefined => {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

export const flatHeaders = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

/** Drops a body we will not read. undici emits 'error' when an unread body is destroyed: swallow it. */
export const discard = (body: Body): void => {
  body.on('error', () => undefined)
  body.destroy()
}

export const statusText = (status: number): string =>
  `HTTP ${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ''}`

const contentEncodings = (value: string | undefined, label: string): DecodeEncoding[] => {
  if (!value) return []
  return value
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== 'identity')
    .map((e): DecodeEncoding => {
      if (e === 'gzip' || e === 'x-gzip') return 'gzip'
      if (e === 'deflate') return 'deflate'
      if (e === 'br') return 'br'
      throw new FeedFetchError(
        'content-type',
        `${label} used Content-Encoding ${sanitiseSnippet(e, 40)}, which is not supported (gzip, deflate, br are).`,
        { url: label },
      )
    })
}

/** Applies Content-Encoding (outermost last in the header, so undone in reverse order). */
export const decodeContent = (
  body: AsyncIterable<Uint8Array>,
  headers: Headers,
  cap: number,
  label: string,
): AsyncIterable<Uint8Array> =>
  contentEncodings(header(headers, 'content-encoding'), label).reduceRight<
    AsyncIterable<Uint8Array>
  >(
    (stream, encoding) => decodeStream(stream, { encoding, maxDecompressedBytes: cap, label }),
    body,
  )

export type WireCounter = { bytes: number }

/**
 * The body as it arrives, counted and capped; transport failures are turned into FeedFetchErrors that say
 * how far the download got. `abortReason` wins over whatever undici threw once our controller has fired.
 */
export async function* wireStream(args: {
  body: Body
  headers: Headers
  limits: FetchLimits
  counter: WireCounter
  label: string
  abortReason: () => FeedFetchError | undefined
}): AsyncGenerator<Uint8Array> {
  const { body, limits, counter, label } = args
  const lengthHeader = header(args.headers, 'content-length')
  const declared =
    lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined
  let completed = false
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      counter.bytes += chunk.length
      if (counter.bytes > limits.maxResponseBytes)
        throw new FeedFetchError(
          'too-large',
          `${label} sent more than ${formatBytes(limits.maxResponseBytes)}; stopped reading.`,
          {
            url: label,
            bytesIn: counter.bytes,
          },
        )
      yield chunk
    }
    completed = true
    if (declared !== undefined && counter.bytes !== declared)
      throw new FeedFetchError(
        'truncated',
        `${label} announced ${declared} bytes but sent ${counter.bytes}; the download is incomplete.`,
        {
          url: label,
          bytesIn: counter.bytes,
        },
      )
  } catch (e) {
    const reason = args.abortReason()
    if (reason !== undefined) throw reason
    if (isFeedFetchError(e)) throw e
    const c = classifyError(e, limits)
    const got = `after ${formatBytes(counter.bytes)}${declared !== undefined ? ` of ${formatBytes(declared)}` : ''}`
    if (c.code === 'timeout')
      throw new FeedFetchError(
        'timeout',
        `${label}: ${c.what} ${got}; the download is incomplete.`,
        { url: label, bytesIn: counter.bytes },
      )
    const closed =
      typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'UND_ERR_SOCKET'
    const mismatch =
      typeof e === 'object' &&
      e !== null &&
      (e as { code?: unknown }).code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
    if (closed || mismatch)
      throw new FeedFetchError(
        'truncated',
        `${label}: the server closed the connection ${got}; the download is incomplete.`,
        {
          url: label,
          bytesIn: counter.bytes,
        },
      )
    throw new FeedFetchError('network', `${label}: ${c.what} ${got}; the download is incomplete.`, {
      url: label,
      bytesIn: counter.bytes,
    })
  } finally {
    if (!completed) discard(body)
  }
}
