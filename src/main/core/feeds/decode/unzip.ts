import { Unzip, UnzipInflate, type UnzipFile } from 'fflate'
import { FeedFetchError, formatBytes, isFeedFetchError, sanitiseSnippet } from '../http/fetch-error'

export type UnzipOptions = {
  maxBytes: number
  entry?: (name: string) => boolean
  label?: string
}

/**
 * fflate inflates everything pushed at once: a 4 KiB slice of a deflate bomb yields at most ~4 MiB, so
 * pushing small slices and draining between them keeps memory bounded whatever the compression ratio.
 */
const SLICE = 4 * 1024

const isDataEntry = (name: string): boolean =>
  !name.endsWith('/') && !name.startsWith('__MACOSX/') && !/(^|\/)\.DS_Store$/.test(name)

const describe = (label: string | undefined): string => (label ? ` (${label})` : '')

/**
 * Streams the first matching entry of a zip archive (the URLhaus/ThreatFox full dumps hold one CSV).
 * Reading stops once that entry is complete; the rest of the archive is never downloaded.
 */
export async function* unzipFirstEntry(
  body: AsyncIterable<Uint8Array>,
  options: UnzipOptions,
): AsyncGenerator<Uint8Array> {
  const cap = options.maxBytes
  const wanted = (name: string): boolean => isDataEntry(name) && (options.entry?.(name) ?? true)
  let out: Uint8Array[] = []
  let chosen: UnzipFile | undefined
  let finished = false
  let failure: unknown
  let total = 0
  const names: string[] = []

  const bomb = (what: string): FeedFetchError =>
    new FeedFetchError(
      'bomb',
      `Zip entry ${sanitiseSnippet(chosen?.name ?? '', 120)} ${what} the ${formatBytes(cap)} limit${describe(options.label)}; stopped reading (likely a decompression bomb).`,
    )

  const unzip = new Unzip((file) => {
    if (names.length < 20) names.push(file.name)
    if (chosen || !wanted(file.name)) return
    chosen = file
    // The declared size can lie, so it only lets us fail early; the running count below is the real guard.
    if (file.originalSize !== undefined && file.originalSize > cap) {
      failure = bomb(`declares ${formatBytes(file.originalSize)}, more than`)
      return
    }
    file.ondata = (err, data, final) => {
      if (failure) return
      if (err) {
        failure = err
        return
      }
      total += data.length
      if (total > cap) {
        failure = bomb('exceeds')
        file.terminate()
        return
      }
      if (data.length) out.push(data)
      if (final) finished = true
    }
    try {
      file.start()
    } catch (e) {
      failure = e
    }
  })
  unzip.register(UnzipInflate)

  const fail = (e: unknown): unknown => {
    if (isFeedFetchError(e)) return e
    const msg = e instanceof Error ? e.message : String(e)
    return new FeedFetchError(
      'content-type',
      `Cannot extract zip entry ${sanitiseSnippet(chosen?.name ?? '', 120)}${describe(options.label)}: ${msg}.`,
    )
  }

  const drain = function* (): Generator<Uint8Array> {
    const ready = out
    out = []
    yield* ready
  }

  // Only fflate's own errors are wrapped; errors of the source (network, file system) pass through.
  const push = (bytes: Uint8Array, final: boolean): void => {
    try {
      unzip.push(bytes, final)
    } catch (e) {
      failure ??= e
    }
  }

  for await (const chunk of body) {
    for (let off = 0; off < chunk.length; off += SLICE) {
      push(chunk.subarray(off, Math.min(off + SLICE, chunk.length)), false)
      if (failure) throw fail(failure)
      yield* drain()
      if (finished) return
    }
  }
  push(new Uint8Array(0), true)
  const truncated = (): FeedFetchError =>
    new FeedFetchError(
      'truncated',
      `Zip entry ${sanitiseSnippet(chosen?.name ?? '', 120)} ends early${describe(options.label)}: the archive is incomplete.`,
    )
  // fflate only says "invalid zip data" when the input ends inside the entry we are extracting.
  if (failure && !isFeedFetchError(failure) && chosen && !finished) throw truncated()
  if (failure) throw fail(failure)
  yield* drain()
  if (finished) return
  if (!chosen) {
    const seen = names.length
      ? `; entries seen: ${names.map((n) => sanitiseSnippet(n, 80)).join(', ')}`
      : ''
    throw new FeedFetchError(
      'content-type',
      `The zip archive${describe(options.label)} has no matching data entry${seen}.`,
    )
  }
  throw truncated()
}
