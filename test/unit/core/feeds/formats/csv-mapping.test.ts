import { describe, expect, it } from 'vitest'
import { guessDelimiter, previewCsv, recogniseColumns } from '#core/feeds/formats/csv-mapping'

describe('recogniseColumns', () => {
  it("maps the analyst CSV's header and the usual export spellings by name", () => {
    expect(
      recogniseColumns([
        'Indicator',
        'Type',
        'Tags',
        'Severity',
        'Description',
        'First Seen (UTC)',
      ]),
    ).toEqual({
      valueColumn: 'Indicator',
      typeColumn: 'Type',
      tagsColumn: 'Tags',
      severityColumn: 'Severity',
      descriptionColumn: 'Description',
      firstSeenColumn: 'First Seen (UTC)',
    })
    expect(recogniseColumns(['ioc_value', 'confidence', 'TLP', 'malware_family'])).toEqual({
      valueColumn: 'ioc_value',
      confidenceColumn: 'confidence',
      tlpColumn: 'TLP',
      malwareColumn: 'malware_family',
    })
  })

  it('recognises nothing without a column that names the indicator', () => {
    expect(recogniseColumns(['host', 'type', 'tags'])).toBeNull()
    expect(recogniseColumns([])).toBeNull()
  })
})

describe('guessDelimiter', () => {
  it("takes the header's delimiter, whatever a short or broken row further down holds", () => {
    expect(guessDelimiter(['a;b;c', '1;2;3', '4;5'])).toBe(';')
    expect(guessDelimiter(['a\tb', '1\t2'])).toBe('\t')
    expect(guessDelimiter(['"x,y"|z', '1|2'])).toBe('|')
    expect(guessDelimiter(['just one column', 'evil.example'])).toBe(',')
  })
})

describe('previewCsv', () => {
  it('shows the header and the first rows: BOM, comments and quoting handled', () => {
    expect(
      previewCsv('\uFEFFhost,notes\n# a comment\nevil.example,"a, b"\n1.2.3.4,x\n5.6.7'),
    ).toEqual({
      delimiter: ',',
      columns: ['host', 'notes'],
      rows: [['evil.example', 'a, b'], ['1.2.3.4', 'x'], ['5.6.7']],
      mapping: null,
    })
  })
})
