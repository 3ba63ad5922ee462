import { z } from 'zod'

/** The shape under wrappers that do not change what a query string value must look like. */
export const unwrapSchema = (schema: z.ZodType): { inner: z.ZodType; nullable: boolean } => {
  let s: z.ZodType = schema
  let nullable = false
  for (let i = 0; i < 16; i++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
      s = s.unwrap() as z.ZodType
    } else if (s instanceof z.ZodNullable) {
      nullable = true
      s = s.unwrap() as z.ZodType
    } else if (s instanceof z.ZodReadonly) {
      s = s.unwrap() as z.ZodType
    } else if (s instanceof z.ZodPipe) {
      s = s.in as z.ZodType
    } else {
      break
    }
  }
  return { inner: s, nullable }
}

export const objectShape = (schema: z.ZodType): Record<string, z.ZodType> | null => {
  const { inner } = unwrapSchema(schema)
  return inner instanceof z.ZodObject ? inner.shape : null
}

/** The schema at a dotted path of nested objects, or null when the path leaves the schema. */
export const schemaAt = (schema: z.ZodType, path: readonly string[]): z.ZodType | null => {
  let s: z.ZodType | null = schema
  for (const key of path) {
    const shape: Record<string, z.ZodType> | null = s ? objectShape(s) : null
    s = shape && Object.hasOwn(shape, key) ? (shape[key] ?? null) : null
    if (!s) return null
  }
  return s
}

/**
 * Turns query-string text into what the schema expects: numbers, booleans, null and arrays (repeated
 * `?type=a&type=b` or comma-separated `?type=a,b`). Text that does not look like the expected kind is left as
 * text, so the contract's own validation reports it against the field's name.
 */
export const coerceQueryValue = (schema: z.ZodType | null, raw: string | string[]): unknown => {
  if (!schema) return raw
  const { inner, nullable } = unwrapSchema(schema)
  if (inner instanceof z.ZodArray) {
    const parts = (Array.isArray(raw) ? raw : [raw])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '')
    return parts.map((p) => coerceScalar(inner.element as z.ZodType, p, false))
  }
  if (Array.isArray(raw))
    return raw.length === 1 ? coerceScalar(inner, raw[0] ?? '', nullable) : raw
  return coerceScalar(inner, raw, nullable)
}

const coerceScalar = (schema: z.ZodType, raw: string, nullable: boolean): unknown => {
  const { inner } = unwrapSchema(schema)
  if (nullable && raw === 'null') return null
  if (inner instanceof z.ZodNumber) {
    return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw
  }
  if (inner instanceof z.ZodBoolean) {
    const v = raw.trim().toLowerCase()
    if (v === 'true' || v === '1' || v === '') return true
    if (v === 'false' || v === '0') return false
    return raw
  }
  return raw
}
