/** Small helpers over AsyncIterable<Uint8Array> shared by the decoders and the fetcher. */

export type Peeked = {
  /** The bytes read so far, concatenated (at least `min` unless the stream ended first). */
  head: Uint8Array
  /** The whole stream again, head included; returning early releases the source. */
  stream: AsyncIterable<Uint8Array>
}

const concat = (chunks: Uint8Array[], total: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]
  const out = new Uint8Array(total)
  let off = 0
  for (const c of chunks) {
    out.set(c, off)
    off += c.length
  }
  return out
}

async function* replay(
  chunks: Uint8Array[],
  it: AsyncIterator<Uint8Array>,
  ended: boolean,
): AsyncGenerator<Uint8Array> {
  let completed = ended
  try {
    for (const c of chunks) yield c
    chunks.length = 0
    while (!completed) {
      const r = await it.next()
      if (r.done) {
        completed = true
        return
      }
      yield r.value
    }
  } finally {
    // Only an early exit (break, throw from the consumer) needs to release the source.
    if (!completed) await it.return?.()
  }
}

/**
 * Reads until `min` bytes (or the end) without losing them. The source is closed if reading the head fails;
 * otherwise ownership passes to the returned stream.
 */
export const peekBytes = async (
  source: AsyncIterable<Uint8Array>,
  min: number,
): Promise<Peeked> => {
  const it = source[Symbol.asyncIterator]()
  const chunks: Uint8Array[] = []
  let total = 0
  let ended = false
  try {
    while (total < min) {
      const r = await it.next()
      if (r.done) {
        ended = true
        break
      }
      if (r.value.length === 0) continue
      chunks.push(r.value)
      total += r.value.length
    }
  } catch (e) {
    await it.return?.().catch(() => undefined)
    throw e
  }
  const head = concat(chunks, total)
  return { head, stream: replay(head.length ? [head] : [], it, ended) }
}

export const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b)

export const GZIP_MAGIC = [0x1f, 0x8b] as const
export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const
/** An empty archive (end of central directory only). */
export const ZIP_EMPTY_MAGIC = [0x50, 0x4b, 0x05, 0x06] as const
