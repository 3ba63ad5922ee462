import type { z } from 'zod'

/** First message a schema gives for a value, or null: the same rules the core applies on save. */
export const firstIssue = (schema: z.ZodType, value: unknown): string | null => {
  const r = schema.safeParse(value)
  return r.success ? null : (r.error.issues[0]?.message ?? 'Invalid value')
}

/** A 0-100 integer typed as text: null when empty, NaN when not a whole number. */
export const parseWhole = (text: string): number | null => {
  const t = text.trim()
  if (t === '') return null
  return /^-?\d+$/.test(t) ? Number(t) : Number.NaN
}

export const wholeNumberIssue = (schema: z.ZodType, text: string, label: string): string | null => {
  const n = parseWhole(text)
  if (n === null) return `${label} is required`
  if (Number.isNaN(n)) return `${label} must be a whole number from 0 to 100`
  return firstIssue(schema, n) === null ? null : `${label} must be from 0 to 100`
}
