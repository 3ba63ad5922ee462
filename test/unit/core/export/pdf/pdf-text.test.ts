import { readFileSync } from 'node:fs'
import PDFDocument from 'pdfkit'
import { describe, expect, it } from 'vitest'
import { timelineColumns } from '#core/export/pdf/pdf-charts'
import { candidateSlices, fontSlices, sliceFont, woffToSfnt } from '#core/export/pdf/pdf-fonts'
import { FontBook, cleanText, layout } from '#core/export/pdf/pdf-text'

const book = (): FontBook => new FontBook(new PDFDocument({ font: '', autoFirstPage: true }))
const fontOf = (fb: FontBook, text: string): string[] =>
  fb.runs(text).map((r) => `${sliceFont(r.slice, 'regular').name}:${r.text}`)

describe('cleanText', () => {
  it('drops controls and bidi overrides, keeps newlines, tabs become spaces', () => {
    expect(cleanText('a\u0000b\u0007c\u202Ed\u2066e\u200Ff\u0085g', 100)).toBe('abcdefg')
    expect(cleanText('one\r\ntwo\tthree', 100)).toBe('one\ntwo    three')
  })

  it('clips by characters, not UTF-16 units, and marks the cut', () => {
    expect(cleanText('😀'.repeat(10), 4)).toBe('😀😀😀😀…')
    expect(cleanText('x'.repeat(1_000_000), 10)).toBe(`${'x'.repeat(10)}…`)
    expect(cleanText('short', 10)).toBe('short')
  })
})

describe('the font chain', () => {
  it('finds every package through Node resolution and unwraps WOFF into an sfnt', () => {
    const slices = fontSlices()
    expect(slices.length).toBeGreaterThan(100)
    expect(sliceFont(0, 'regular').name).toBe('noto-sans-latin-400-normal')
    const sfnt = woffToSfnt(readFileSync(sliceFont(0, 'bold').file))
    expect(sfnt.readUInt32BE(0)).toBe(0x00010000)
    expect(() =>
      woffToSfnt(Buffer.from('not a font at all, clearly not a font at all, no')),
    ).toThrow(/WOFF/)
  })

  it('picks the slice that has the glyph, by script', () => {
    const fb = book()
    expect(fontOf(fb, 'abc')).toEqual(['noto-sans-latin-400-normal:abc'])
    expect(fontOf(fb, 'пример.рф')).toEqual([
      'noto-sans-cyrillic-400-normal:пример',
      'noto-sans-latin-400-normal:.',
      'noto-sans-cyrillic-400-normal:рф',
    ])
    expect(fontOf(fb, 'ελ')[0]).toMatch(/^noto-sans-greek-/)
    expect(fontOf(fb, 'مثال')[0]).toMatch(/^noto-sans-arabic-arabic-/)
    expect(fontOf(fb, 'שלום')[0]).toMatch(/^noto-sans-hebrew-hebrew-/)
    expect(fontOf(fb, 'ไทย')[0]).toMatch(/^noto-sans-thai-thai-/)
    expect(fontOf(fb, 'नमस्ते')).toHaveLength(1)
    expect(fontOf(fb, 'नमस्ते')[0]).toMatch(/^noto-sans-devanagari-devanagari-/)
    const han = fontOf(fb, '测试')
    expect(han.every((r) => /^noto-sans-sc-\d+-/.test(r))).toBe(true)
    expect(candidateSlices('测'.codePointAt(0) ?? 0).length).toBeGreaterThan(0)
  })

  it('draws a character no font has as U+FFFD', () => {
    const fb = book()
    // A private-use code point: no Noto slice declares it.
    expect(
      fb
        .runs('a\uE000b')
        .map((r) => r.text)
        .join(''),
    ).toBe('a\uFFFDb')
  })
})

describe('layout', () => {
  it('wraps at spaces and URL punctuation, and cuts a token longer than the line', () => {
    const fb = book()
    const width = 120
    const lines = layout(
      fb,
      [{ text: `hxxps://evil[.]example/${'a'.repeat(80)} and more words here` }],
      width,
      8,
    )
    expect(lines.length).toBeGreaterThan(3)
    for (const line of lines) expect(line.width).toBeLessThanOrEqual(width + 0.01)
    const text = lines.map((l) => l.pieces.map((p) => p.text).join('')).join('')
    expect(text.replace(/\s/g, '')).toBe(`hxxps://evil[.]example/${'a'.repeat(80)}andmorewordshere`)
  })

  it('breaks between CJK characters and keeps explicit newlines', () => {
    const fb = book()
    const lines = layout(fb, [{ text: '测试'.repeat(30) }], 60, 8)
    expect(lines.length).toBeGreaterThan(5)
    expect(layout(fb, [{ text: 'one\ntwo' }], 400, 8)).toHaveLength(2)
  })
})

describe('timelineColumns', () => {
  it('fills empty days with zero and groups long ranges into equal runs of days', () => {
    const short = timelineColumns([
      { day: '2026-11-01', count: 2 },
      { day: '2026-11-03', count: 5 },
    ])
    expect(short.daysPerColumn).toBe(1)
    expect(short.bars.map((b) => b.value)).toEqual([2, 0, 5])
    const long = timelineColumns([
      { day: '2025-01-01', count: 1 },
      { day: '2026-01-01', count: 4 },
    ])
    expect(long.daysPerColumn).toBe(5)
    expect(long.bars.length).toBeLessThanOrEqual(90)
    expect(long.bars.reduce((a, b) => a + b.value, 0)).toBe(5)
    expect(timelineColumns([]).bars).toEqual([])
  })
})
