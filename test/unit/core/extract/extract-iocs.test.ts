import { describe, expect, it } from 'vitest'
import { extractIocs } from '#core/extract/extract-iocs'

const pick = (text: string) =>
  extractIocs(text).items.map(({ kind, value, line, column, raw, count }) => ({
    kind,
    value,
    line,
    column,
    raw,
    count,
  }))

describe('extractIocs positions', () => {
  it('reports the line, column and raw text of the first occurrence, defanged spelling included', () => {
    const text = 'intro line\r\nC2 at hxxp://evil[.]com/a then\nsee 1.2.3[.]4\rlast: evil.com'
    expect(pick(text)).toEqual([
      {
        kind: 'url',
        value: 'http://evil.com/a',
        line: 2,
        column: 7,
        raw: 'hxxp://evil[.]com/a',
        count: 1,
      },
      { kind: 'domain', value: 'evil.com', line: 2, column: 14, raw: 'evil[.]com', count: 2 },
      { kind: 'ip', value: '1.2.3.4', line: 3, column: 5, raw: '1.2.3[.]4', count: 1 },
    ])
  })

  it('counts columns in the original line when defanging before the value shortened it', () => {
    const [item] = pick('a[.]b[.]c x[@]evil(.)org').filter((i) => i.kind === 'email')
    expect(item).toMatchObject({ column: 11, raw: 'x[@]evil(.)org', value: 'x@evil.org' })
  })

  it('keeps the spaces of "evil [.] com" in raw and drops them from the value', () => {
    expect(pick('host evil [.] com here')).toEqual([
      { kind: 'domain', value: 'evil.com', line: 1, column: 6, raw: 'evil [.] com', count: 1 },
    ])
  })

  it('deduplicates by kind and canonical value, counting every occurrence', () => {
    const items = pick('EVIL.com\nevil[.]com and evil.com.\n1.2.3.4 evil.com')
    expect(items.map((i) => [i.kind, i.value, i.line, i.count])).toEqual([
      ['domain', 'evil.com', 1, 4],
      ['ip', '1.2.3.4', 3, 1],
    ])
  })

  it('gives each kind its indicator type, or null for a tactic (not an observable)', () => {
    const items = extractIocs('invoice.exe evil.com TA0001 T1059').items
    expect(items.map((i) => [i.kind, i.iocType])).toEqual([
      ['file-name', 'file-name'],
      ['domain', 'domain'],
      ['attack-tactic', null],
      ['attack-technique', 'attack-technique'],
    ])
  })
})

describe('extractIocs options', () => {
  const text = 'https://evil.com/x 1.2.3.4 d41d8cd98f00b204e9800998ecf8427e'

  it('keeps only the kinds asked for', () => {
    expect(extractIocs(text, { kinds: ['ip', 'md5'] }).items.map((i) => i.kind)).toEqual([
      'ip',
      'md5',
    ])
  })

  it("leaves a URL's host out when urlHosts is false", () => {
    expect(extractIocs(text, { urlHosts: false }).items.map((i) => i.kind)).toEqual([
      'url',
      'ip',
      'md5',
    ])
  })

  it('stops at maxItems and says so', () => {
    const r = extractIocs(text, { maxItems: 2 })
    expect(r.items.map((i) => i.kind)).toEqual(['url', 'domain'])
    expect(r.truncated).toBe(true)
    expect(extractIocs(text).truncated).toBe(false)
  })
})

describe('extractIocs decisions', () => {
  it('reads a dotted quad after a version word as a version, unless it was defanged', () => {
    expect(pick('version 1.2.3.4, build: 5.6.7.8, v 9.9.9.9')).toEqual([])
    expect(pick('version 1.2.3[.]4').map((i) => i.value)).toEqual(['1.2.3.4'])
    expect(pick('host 1.2.3.4').map((i) => i.value)).toEqual(['1.2.3.4'])
  })

  it('reads a word ending in a file extension as a file unless defanged or in a URL', () => {
    expect(pick('evil.zip evil[.]zip http://evil.zip/').map((i) => `${i.kind} ${i.value}`)).toEqual(
      ['file-name evil.zip', 'domain evil.zip', 'url http://evil.zip/'],
    )
  })

  it('refuses hashes inside longer hex runs and keeps exact lengths', () => {
    const md5 = 'd41d8cd98f00b204e9800998ecf8427e'
    expect(pick(`${md5}0 0${md5} ${md5}`).map((i) => i.value)).toEqual([md5])
  })
})

describe('extractIocs on hostile input', () => {
  const MB5 = 5 * 1024 * 1024
  const line = (unit: string) => unit.repeat(Math.ceil(MB5 / unit.length)).slice(0, MB5)
  const shapes: Record<string, string> = {
    dots: line('.'),
    hex: line('a'),
    brackets: line('['),
    'closing parentheses': line(')'),
    'defanged dots': line('[.]'),
    'spaced dots': line('a dot '),
    labels: line('a.'),
    'dotted numbers': line('1.1.1.1.'),
    schemes: line('http://'),
    'url with parentheses': `http://a.com/${line('(')}`,
    'at signs': line('a@'),
    colons: line('a:'),
    backslashes: line('\\'),
    hives: line('HKLM\\a b\\'),
    'every defang marker': line('[.](.){.}[at]hxxp[:]//'),
    'one repeated address': line('1.2.3.4 '),
  }

  it.each(Object.entries(shapes))(
    'finishes on a 5 MB line of %s with bounded output',
    (_name, text) => {
      const r = extractIocs(text)
      expect(r.items.length).toBeLessThanOrEqual(2)
      for (const item of r.items) expect(item.raw.length).toBeLessThanOrEqual(8192)
    },
  )

  it('bounds the number of distinct items', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `h${i}.com`).join(' ')
    const r = extractIocs(text, { maxItems: 1000 })
    expect(r.items).toHaveLength(1000)
    expect(r.truncated).toBe(true)
  })
})
