import { describe, expect, it } from 'vitest'
import { csvCell, neutraliseFormula } from '#core/audit/audit-export'
import {
  boundChanges,
  canonicalEntry,
  hashEntry,
  MAX_CHANGES_CHARS,
} from '#core/audit/change-log-writer'

describe('CSV export cells', () => {
  it('neutralises what a spreadsheet would run as a formula', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      expect(neutraliseFormula(`${lead}SUM(A1)`)).toBe(`'${lead}SUM(A1)`)
    }
    expect(neutraliseFormula('evil.example')).toBe('evil.example')
    expect(neutraliseFormula('a=b')).toBe('a=b')
  })

  it('quotes separators, quotes and line breaks after neutralising', () => {
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`)
    expect(csvCell('\r\nx')).toBe(`"'\r\nx"`)
    expect(csvCell(null)).toBe('')
    expect(csvCell(-5)).toBe("'-5")
  })
})

describe('change entries', () => {
  it('redacts secret-looking keys at any depth', () => {
    const text = boundChanges({ url: 'x', options: { headers: { Authorization: 'Bearer t' } } })
    expect(JSON.parse(text)).toEqual({
      url: 'x',
      options: { headers: { Authorization: '[redacted]' } },
    })
  })

  it('bounds what changed: long strings are cut first, then only the field names remain', () => {
    const cut = boundChanges({ description: { before: 'a'.repeat(20_000), after: 'b' } })
    expect(cut.length).toBeLessThanOrEqual(MAX_CHANGES_CHARS)
    expect((JSON.parse(cut) as { description: { before: string } }).description.before).toMatch(
      /^a+…$/,
    )
    const many = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`f${i}`, 'x'.repeat(100)]),
    )
    const names = JSON.parse(boundChanges(many)) as { truncated: boolean; fields: string[] }
    expect(names.truncated).toBe(true)
    expect(names.fields).toHaveLength(100)
  })

  it('hashes a canonical form that covers every column, the previous hash included', () => {
    const row = {
      seq: 1,
      at: '2026-01-01T00:00:00.000Z',
      actor: 'a',
      transport: 'ipc',
      method: 'projects.create',
      entity: 'project',
      entity_id: null,
      operation: 'create',
      changes: '{}',
      prev_hash: '0'.repeat(64),
    }
    expect(canonicalEntry(row)).toBe(
      `[1,"2026-01-01T00:00:00.000Z","a","ipc","projects.create","project",null,"create","{}","${'0'.repeat(64)}"]`,
    )
    const h = hashEntry(row)
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    for (const [k, v] of Object.entries({ actor: 'b', prev_hash: '1'.repeat(64), seq: 2 })) {
      expect(hashEntry({ ...row, [k]: v })).not.toBe(h)
    }
  })
})
