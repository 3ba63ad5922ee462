import { describe, expect, it } from 'vitest'
import type { ExtractedItemDto } from '#shared/contract/indicators.contract'
import {
  importable,
  invalidTicked,
  mergeRows,
  retype,
  type ExtractRow,
} from '../../../../../src/renderer/src/views/indicators/paste-extract-rows'

const row = (over: Partial<ExtractRow> & Pick<ExtractRow, 'kind' | 'found'>): ExtractRow => ({
  key: `${over.kind}\u0000${over.found}`,
  line: 1,
  column: 1,
  raw: over.found,
  count: 1,
  text: over.found,
  ticked: true,
  check: null,
  ...over,
})

const domain = row({
  kind: 'domain',
  found: 'typo-freetxt.example',
  line: 5,
  check: { ok: true, type: 'domain', value: 'typo-freetxt.example' },
})
const tactic = row({ kind: 'attack-tactic', found: 'TA0001', ticked: false, line: 4 })

describe('the found items the paste box imports', () => {
  it('re-reads a retyped value as any indicator, its new type included', () => {
    const url = retype(domain, 'hxxps://Retyped-Freetext[.]example/x')
    expect(url.check).toEqual({
      ok: true,
      type: 'url',
      value: 'https://retyped-freetext.example/x',
    })
    expect(importable([url])).toEqual([
      { type: 'url', value: 'https://retyped-freetext.example/x', line: 5 },
    ])
  })

  it('marks a retyped value that is not an indicator, and holds the import until it is unticked', () => {
    const bad = retype(domain, 'not an indicator!!')
    expect(bad.check).toMatchObject({ ok: false, reason: expect.stringMatching(/could not tell/) })
    expect(importable([bad])).toEqual([])
    expect(invalidTicked([bad])).toBe(1)
    expect(invalidTicked([{ ...bad, ticked: false }])).toBe(0)
  })

  it('keeps an untick and a retype on items a new extraction still finds', () => {
    const edited = [retype(domain, 'retyped-freetext[.]example'), { ...tactic }]
    const items: ExtractedItemDto[] = [
      {
        kind: 'domain',
        value: 'typo-freetxt.example',
        iocType: 'domain',
        line: 6,
        column: 3,
        raw: 'typo-freetxt[.]example',
        count: 2,
      },
      {
        kind: 'ip',
        value: '198.51.100.23',
        iocType: 'ip',
        line: 1,
        column: 1,
        raw: '198.51.100[.]23',
        count: 1,
      },
    ]
    const rows = mergeRows(edited, items)
    expect(rows.map((r) => [r.text, r.line, r.ticked])).toEqual([
      ['retyped-freetext[.]example', 6, true],
      ['198.51.100.23', 1, true],
    ])
    expect(importable(rows).map((x) => x.value)).toEqual([
      'retyped-freetext.example',
      '198.51.100.23',
    ])
  })

  it('never imports an unticked item or a kind without an indicator type', () => {
    expect(retype(tactic, 'TA0002').check).toBeNull()
    expect(importable([{ ...domain, ticked: false }, tactic, { ...tactic, ticked: true }])).toEqual(
      [],
    )
    expect(importable([domain])).toEqual([
      { type: 'domain', value: 'typo-freetxt.example', line: 5 },
    ])
  })
})
