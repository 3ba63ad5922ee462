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
