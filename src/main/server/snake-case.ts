import { z } from 'zod'
import { AppError } from '#shared/contract'
import { unwrapSchema } from './schema-walk'

/**
 * The one translation between the contract's camelCase and the snake_case of the seed's REST API
 * (`projectId` <-> `project_id`). It walks values alongside the contract's zod schemas, so only the keys of the
 * contract's objects are renamed: the keys of records (an indicator's `enrichment`, a project's `settings`,
 * counts by type) are data and stay exactly as they were written.
 */

export const snakeKey = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

export type PathSegment = string | number

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

// defineProperty: a `__proto__` key from JSON stays a plain own key instead of replacing the prototype.
const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  })
}

const shapeOf = (schema: z.ZodType | null): Record<string, z.ZodType> | null => {
  if (schema === null) return null
  const { inner } = unwrapSchema(schema)
  return inner instanceof z.ZodObject ? inner.shape : null
}

const elementOf = (schema: z.ZodType | null): z.ZodType | null => {
  if (schema === null) return null
  const { inner } = unwrapSchema(schema)
  return inner instanceof z.ZodArray ? (inner.element as z.ZodType) : null
}

/** The object option of a union whose keys hold all of the value's keys (nullable unions are unwrapped). */
const unionObjectFor = (schema: z.ZodType, value: Record<string, unknown>): z.ZodType | null => {
  const { inner } = unwrapSchema(schema)
  if (!(inner instanceof z.ZodUnion)) return null
  for (const option of inner.options as z.ZodType[]) {
    const shape = shapeOf(option)
    if (shape && Object.keys(value).every((k) => Object.hasOwn(shape, k))) return option
  }
  return null
}

/** The same for a request: the object option whose snake_case names hold all of the value's keys. */
const unionObjectForSnake = (
  schema: z.ZodType,
  value: Record<string, unknown>,
): z.ZodType | null => {
  const { inner } = unwrapSchema(schema)
  if (!(inner instanceof z.ZodUnion)) return null
  for (const option of inner.options as z.ZodType[]) {
    const shape = shapeOf(option)
    if (!shape) continue
    const names = new Set(Object.keys(shape).map(snakeKey))
    if (Object.keys(value).every((k) => names.has(k))) return option
  }
  return null
}

/** The object option of a union that has the field `key` (for naming a field inside a union). */
const unionObjectWith = (schema: z.ZodType | null, key: string): z.ZodType | null => {
  if (schema === null) return null
  const { inner } = unwrapSchema(schema)
  if (!(inner instanceof z.ZodUnion)) return null
  for (const option of inner.options as z.ZodType[]) {
    const shape = shapeOf(option)
    if (shape && Object.hasOwn(shape, key)) return option
  }
  return null
}

/** A contract value (an output) as the v1 API sends it: object keys in snake_case. */
export const toSnake = (schema: z.ZodType | null, value: unknown): unknown => {
  if (schema === null || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const element = elementOf(schema)
    return element ? value.map((v) => toSnake(element, v)) : value
  }
  const obj = value as Record<string, unknown>
  const shape = shapeOf(schema) ?? shapeOf(unionObjectFor(schema, obj))
  if (!shape) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) {
    const child = Object.hasOwn(shape, k) ? (shape[k] ?? null) : null
    setOwn(out, child ? snakeKey(k) : k, toSnake(child, v))
  }
  return out
}

export const formatPath = (path: readonly PathSegment[]): string =>
  path.length === 0
    ? '(body)'
    : path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`)).join('')

/** The inverse of the dispatcher's `formatIssuePath` ("items[3].mitreTechniques"). */
export const parsePath = (text: string): PathSegment[] => {
  if (text === '(input)') return []
  const out: PathSegment[] = []
  for (const m of text.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) {
    if (m[1] !== undefined) out.push(Number(m[1]))
    else if (m[2] !== undefined) out.push(m[2])
  }
  return out
}

/**
 * A v1 request value as the contract takes it: snake_case keys of the contract's objects become camelCase.
 * A camelCase name where the API has a snake_case one is refused by name (the v1 API has one spelling); an
 * unknown key is passed through so the contract's strict schema reports it.
 */
export const fromSnake = (
  schema: z.ZodType | null,
  value: unknown,
  at: readonly PathSegment[] = [],
): unknown => {
  if (schema === null || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const element = elementOf(schema)
    return element ? value.map((v, i) => fromSnake(element, v, [...at, i])) : value
  }
  const shape =
    shapeOf(schema) ?? shapeOf(unionObjectForSnake(schema, value as Record<string, unknown>))
  if (!shape) return value
  const bySnake = new Map(Object.keys(shape).map((k) => [snakeKey(k), k]))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const camel = bySnake.get(k)
    if (camel !== undefined) {
      setOwn(out, camel, fromSnake(shape[camel] ?? null, v, [...at, k]))
    } else if (Object.hasOwn(shape, k) && snakeKey(k) !== k) {
      const field = formatPath([...at, k])
      throw new AppError(
        'invalid_input',
        `${field}: unknown field; this API spells it ${snakeKey(k)}`,
        {
          field,
          issues: [{ path: field, message: `use ${snakeKey(k)}`, code: 'unrecognized_keys' }],
        },
      )
    } else {
      setOwn(out, k, v)
    }
  }
  return out
}

/**
 * A path into the contract's input (from a validation issue) in the API's names. Segments below a record
 * or outside the schema are kept as they are.
 */
export const snakePath = (
  schema: z.ZodType | null,
  path: readonly PathSegment[],
): PathSegment[] => {
  const out: PathSegment[] = []
  let s = schema
  for (const seg of path) {
    if (typeof seg === 'number') {
      out.push(seg)
      s = elementOf(s)
      continue
    }
    const shape = shapeOf(s) ?? shapeOf(unionObjectWith(s, seg))
    if (shape && Object.hasOwn(shape, seg)) {
      out.push(snakeKey(seg))
      s = shape[seg] ?? null
    } else {
      out.push(seg)
      s = null
    }
  }
  return out
}

type Json = Record<string, unknown>

/**
 * A JSON Schema generated from the contract, with the property names of its objects in snake_case. Records
 * are `additionalProperties` / `propertyNames`, never `properties`, so their keys are untouched.
 */
export const snakeJsonSchema = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(snakeJsonSchema)
  if (!isPlainObject(schema)) return schema
  const out: Json = {}
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && isPlainObject(v)) {
      const props: Json = {}
      for (const [name, sub] of Object.entries(v))
        setOwn(props, snakeKey(name), snakeJsonSchema(sub))
      out[k] = props
    } else if (k === 'required' && Array.isArray(v)) {
      out[k] = (v as unknown[]).map((name) => (typeof name === 'string' ? snakeKey(name) : name))
    } else if (k === 'default' || k === 'const' || k === 'enum' || k === 'examples') {
      out[k] = v
    } else {
      setOwn(out, k, snakeJsonSchema(v))
    }
  }
  return out
}
