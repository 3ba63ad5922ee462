import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract'
import {
  formatPath,
  fromSnake,
  parsePath,
  snakeJsonSchema,
  snakeKey,
  snakePath,
  toSnake,
} from '#server/snake-case'

const Item = z.strictObject({
  projectId: z.string().nullable(),
  mitreTechniques: z.array(z.string()),
  enrichment: z.record(z.string(), z.unknown()).nullable(),
  nested: z.object({ firstSeen: z.string() }).optional(),
})
const Body = z.strictObject({ items: z.array(Item), defaults: z.object({ projectId: z.string() }) })

describe('snake-case mapping', () => {
  it('names keys the seed way', () => {
    expect(['projectId', 'mitreTechniques', 'value', 'byType'].map(snakeKey)).toEqual([
      'project_id',
      'mitre_techniques',
      'value',
      'by_type',
    ])
  })

  it('renames the keys of the schema objects only, never those of records', () => {
    const value = {
      projectId: null,
      mitreTechniques: ['T1105'],
      enrichment: { someVendor: { lastScan: 1 } },
      nested: { firstSeen: 'x' },
    }
    const snake = toSnake(Item, value)
    expect(snake).toEqual({
      project_id: null,
      mitre_techniques: ['T1105'],
      enrichment: { someVendor: { lastScan: 1 } },
      nested: { first_seen: 'x' },
    })
    expect(fromSnake(Item, snake)).toEqual(value)
    expect(toSnake(z.array(Item), [value])).toEqual([snake])
  })

  it('refuses the camelCase spelling of a snake_case field, naming both', () => {
    try {
      fromSnake(Body, { items: [{ mitreTechniques: [] }] })
      expect.unreachable()
    } catch (e) {
      expect(isAppError(e) && e.details).toMatchObject({ field: 'items[0].mitreTechniques' })
      expect(e instanceof Error && e.message).toContain('mitre_techniques')
    }
  })

  it('keeps unknown keys for the strict schema to report, and __proto__ as a plain key', () => {
    const parsed = JSON.parse('{"colour":"red","__proto__":{"polluted":true}}') as unknown
    const out = fromSnake(Item, parsed) as Record<string, unknown>
    expect(Object.keys(out)).toEqual(['colour', '__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
  })

  it('tells a contract issue path in the request names', () => {
    expect(formatPath(snakePath(Body, parsePath('items[3].mitreTechniques[0]')))).toBe(
      'items[3].mitre_techniques[0]',
    )
    expect(snakePath(Item, ['enrichment', 'someVendor'])).toEqual(['enrichment', 'someVendor'])
    expect(parsePath('(input)')).toEqual([])
  })

  it('renames JSON Schema properties and required names, not record keys or enums', () => {
    const json = z.toJSONSchema(
      z.object({
        riskLevel: z.enum(['lastSeen']),
        byType: z.record(z.string(), z.number()),
      }),
    )
    const snake = snakeJsonSchema(json) as {
      properties: Record<string, { enum?: string[] }>
      required: string[]
    }
    expect(Object.keys(snake.properties)).toEqual(['risk_level', 'by_type'])
    expect(snake.required).toEqual(['risk_level', 'by_type'])
    expect(snake.properties.risk_level?.enum).toEqual(['lastSeen'])
  })
})
