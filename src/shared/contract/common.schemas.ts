import { z } from 'zod'

/** ISO-8601 timestamps cross every transport as strings (JSON has no dates). */
export const Timestamp = z.iso.datetime({ offset: true })
export const Uuid = z.uuid()

export const PageLimit = z.number().int().min(1).max(1000).default(100)

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    /** Opaque keyset cursor for the next page; null when this page is the last. */
    nextCursor: z.string().nullable(),
  })

export const Ok = z.object({ ok: z.literal(true) })

/**
 * How deep a JSON value nests, counted without recursion and giving up past `limit` (a hostile body can nest
 * hundreds of thousands of levels: recursion would overflow the stack and turn bad input into a 500).
 */
export const jsonDepthExceeds = (value: unknown, limit: number): boolean => {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number]
    if (v === null || typeof v !== 'object') continue
    if (depth + 1 > limit) return true
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1])
  }
  return false
}

/**
 * A free-form JSON object (project settings, enrichment) with bounds on its nesting and its size as JSON.
 * Values are `unknown` rather than a recursive JSON type so the schema stays flat in the OpenAPI document;
 * every transport delivers JSON anyway.
 */
export const boundedJsonObject = (bounds: { maxBytes: number; maxDepth: number }) =>
  z.record(z.string().min(1).max(200), z.unknown()).superRefine((v, ctx) => {
    if (jsonDepthExceeds(v, bounds.maxDepth)) {
      ctx.addIssue({ code: 'custom', message: `nested deeper than ${bounds.maxDepth} levels` })
      return
    }
    const bytes = new TextEncoder().encode(JSON.stringify(v)).length
    if (bytes > bounds.maxBytes) {
      ctx.addIssue({
        code: 'custom',
        message: `${bytes} bytes as JSON; at most ${bounds.maxBytes}`,
      })
    }
  })
