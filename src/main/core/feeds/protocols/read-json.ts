import type { z } from 'zod'
import { FeedFetchError, formatBytes, sanitiseSnippet } from '../http/fetch-error'

/**
 * Reads a whole (already decompressed) body into memory, bounded by `maxBytes`, and parses it as JSON.
 * Only for documents that are small by nature (TAXII pages, MISP manifests and events): feeds stream.
 */
export const readJsonBody = async (
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  label: string,
): Promise<unknown> => {
  const parts: Uint8Array[] = []
  let total = 0
  for await (const chunk of body) {
    total += chunk.length
    if (total > maxBytes)
      throw new FeedFetchError(
        'too-large',
        `${label} is larger than ${formatBytes(maxBytes)}; not reading it.`,
        { url: label },
      )
    parts.push(chunk)
  }
  const text = Buffer.concat(parts, total)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    // JSON.parse quotes the input in its message: that is server text, so it is sanitised like any other.
    const why = sanitiseSnippet(e instanceof Error ? e.message : String(e), 160)
    throw new FeedFetchError('content-type', `${label} returned invalid JSON: ${why}.`, {
      url: label,
    })
  }
}

/** Validates a parsed document, naming the first wrong field in the error. */
export const expectShape = <S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  label: string,
): z.infer<S> => {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const path = issue?.path.length ? issue.path.join('.') : '(root)'
  throw new FeedFetchError(
    'content-type',
    `${label} is not a valid ${what}: ${path}: ${issue?.message ?? 'invalid'}.`,
    { url: label },
  )
}
