import { PassThrough, Writable } from 'node:stream'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import type { Indicator } from '#shared/contract/indicators.contract'
import type { IntelEntity } from '#shared/contract/intel.schemas'
import { csvCell, csvRow } from '#core/export/csv/csv-cell'
import { ENTITY_CSV_COLUMNS, INDICATOR_CSV_COLUMNS } from '#core/export/csv/csv-columns'
import { writeCsv } from '#core/export/csv/csv-writer'
import type { ExportSet } from '#core/export/export-set'

const indicator = (over: Partial<Indicator>): Indicator => ({
  id: '00000000-0000-4000-8000-000000000001',
  type: 'domain',
  value: 'evil.example.com',
  classification: 'malicious',
  confidence: 80,
  severity: 'high',
  score: 90,
  riskLevel: 'critical',
  tlp: 'amber',
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: null,
  description: '',
  tags: ['c2', 'apt'],
  mitreTactics: [],
  mitreTechniques: ['T1059'],
  active: true,
  falsePositive: false,
  enrichment: null,
  projectId: null,
  sourceCount: 2,
  sightingCount: 3,
  expired: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  ...over,
})

const setOf = (pages: Indicator[][], entities: IntelEntity[] = []): ExportSet => ({
  title: 't',
  summary: '',
  markdown: null,
  tlp: 'amber',
  tlpCounts: { amber: 1 },
  generatedAt: '2026-01-01T00:00:00.000Z',
  report: null,
  entities,
  relationships: [],
  indicatorCount: pages.flat().length,
  stats: { byType: {}, bySeverity: {}, scoreBuckets: [], timeline: [] },
  indicators: async function* () {
    for (const p of pages) yield p
  },
})

const collect = async (
  set: ExportSet,
  defang: boolean,
  rows: 'indicators' | 'entities' = 'indicators',
) => {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const result = await writeCsv(set, out, { defang, rows })
  out.end()
  return { text: Buffer.concat(chunks).toString('utf8'), rows: result.rows }
}

describe('CSV cells', () => {
  it.each(['=', '+', '-', '@', '\t', '\r'])(
    'neutralises a cell starting with %j: apostrophe, and quoted',
    (c) => {
      const cell = csvCell(`${c}HYPERLINK("http://x")`)
      expect(cell.startsWith(`"'${c}`)).toBe(true)
      // What a CSV reader gets back is the text with its apostrophe, never a formula.
      expect(parse(cell + '\r\n')[0]?.[0]).toBe(`'${c}HYPERLINK("http://x")`)
    },
  )

  it('leaves a trigger character inside a value alone', () => {
    expect(csvCell('a=b+c-d@e')).toBe('a=b+c-d@e')
  })

  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"')
    expect(csvCell('line1\r\nline2')).toBe('"line1\r\nline2"')
    expect(csvCell(null)).toBe('')
    expect(csvCell(12)).toBe('12')
    expect(csvCell(false)).toBe('false')
    expect(csvRow(['a', 1, null])).toBe('a,1,\r\n')
  })

  it('round-trips hostile values through a CSV parser', () => {
    const hostile = ['=cmd|"/c calc"!A1', 'x,"y"\r\nz', '@SUM(1)', '+1', '-1', '\ttab', 'plain']
    const parsed = parse(csvRow(hostile))
    expect(parsed[0]).toEqual([
      `'=cmd|"/c calc"!A1`,
      'x,"y"\r\nz',
      `'@SUM(1)`,
      `'+1`,
      `'-1`,
      `'\ttab`,
      'plain',
    ])
  })
})

describe('writeCsv', () => {
  it('writes the documented header and one row per indicator, defanged on request', async () => {
    const set = setOf([
      [indicator({ type: 'url', value: 'http://evil.example.com/a?b=1' })],
      [indicator({ id: '00000000-0000-4000-8000-000000000002', type: 'ip', value: '203.0.113.7' })],
    ])
    const { text, rows } = await collect(set, true)
    expect(rows).toBe(2)
    const table = parse(text)
    expect(table[0]).toEqual(INDICATOR_CSV_COLUMNS.map(([n]) => n))
    const value = table[0]?.indexOf('value') ?? -1
    expect(table[1]?.[value]).toBe('hxxp://evil[.]example[.]com/a?b=1')
    expect(table[2]?.[value]).toBe('203.0.113[.]7')
    expect(table[1]?.[0]).toBe('AMBER')
    expect(table[1]?.[table[0]?.indexOf('tags') ?? -1]).toBe('c2; apt')
    const plain = parse((await collect(set, false)).text)
    expect(plain[1]?.[value]).toBe('http://evil.example.com/a?b=1')
  })

  it('neutralises a formula in any column (description, tags)', async () => {
    const set = setOf([[indicator({ description: '=1+1', tags: ['@evil'] })]])
    const table = parse((await collect(set, false)).text)
    const header = table[0] ?? []
    expect(table[1]?.[header.indexOf('description')]).toBe("'=1+1")
    expect(table[1]?.[header.indexOf('tags')]).toBe("'@evil")
  })

  it('writes an entity list as entity rows', async () => {
    const entity = {
      id: '00000000-0000-4000-8000-0000000000e1',
      kind: 'threat-actor',
      name: 'APT 28',
      aliases: ['Fancy Bear', 'Sofacy'],
      description: '-dash first',
      projectId: null,
      tlp: 'green',
      severity: null,
      confidence: 70,
      firstSeen: null,
      lastSeen: null,
      techniques: ['T1059'],
      sources: ['analyst'],
      stixId: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      details: {
        actorType: 'apt',
        originCountry: 'RU',
        motivation: null,
        sophistication: null,
        tactics: [],
        tools: [],
        targetSectors: [],
        targetCountries: [],
      },
    } satisfies IntelEntity
    const { text, rows } = await collect(setOf([], [entity]), false, 'entities')
    expect(rows).toBe(1)
    const table = parse(text)
    expect(table[0]).toEqual(ENTITY_CSV_COLUMNS.map(([n]) => n))
    expect(table[1]).toContain('Fancy Bear; Sofacy')
    expect(table[1]).toContain("'-dash first")
    expect(table[1]?.[0]).toBe('GREEN')
  })

  it('waits for a slow reader instead of buffering the whole export', async () => {
    const page = Array.from({ length: 1000 }, (_, i) =>
      indicator({ value: `host-${i}.example.com`, description: 'x'.repeat(500) }),
    )
    const pages = Array.from({ length: 20 }, () => page)
    let maxBuffered = 0
    let bytes = 0
    const release: (() => void)[] = []
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _enc, cb) {
        bytes += chunk.length
        // Completes later, so the stream's buffer would grow without limit if the writer ignored it.
        release.push(cb)
        setImmediate(() => release.shift()?.())
      },
    })
    const set = setOf(pages)
    // Measured each time the writer asks for the next page: what it has queued on the stream by then.
    set.indicators = async function* () {
      for (const p of pages) {
        maxBuffered = Math.max(maxBuffered, slow.writableLength)
        yield p
      }
    }
    const result = await writeCsv(set, slow, { defang: false, rows: 'indicators' })
    expect(result.rows).toBe(20_000)
    expect(bytes).toBeGreaterThan(10_000_000)
    // One chunk of rows in flight at most, never the export (over ten megabytes).
    expect(maxBuffered).toBeLessThan(2 * 1024 * 1024)
  })

  it('stops when its signal aborts', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      writeCsv(setOf([[indicator({})]]), new PassThrough(), {
        defang: false,
        rows: 'indicators',
        signal: controller.signal,
      }),
    ).rejects.toThrow()
  })
})
