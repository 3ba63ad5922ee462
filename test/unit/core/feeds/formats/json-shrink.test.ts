import { describe, expect, it } from 'vitest'
import { JsonShrinker, TRUNCATION_MARK } from '#core/feeds/formats/json-shrink'
import { bytesOf } from './support'

/** Feeds `text` in `size`-byte chunks and returns the shrunk text (null when it gave up). */
const shrink = (text: string, max: number, cap: number, size = 1 << 20) => {
  const s = new JsonShrinker(max, cap)
  const bytes = bytesOf(text)
  for (let at = 0; at < bytes.length; at += size) s.push(bytes.slice(at, at + size))
  return { text: s.text(), truncated: s.truncated }
}

describe('JsonShrinker', () => {
  it('cuts only the strings over the cap, ending them with the mark, and the result parses', () => {
    const obj = { type: 'indicator', description: 'x'.repeat(500), name: 'short', n: [1, 'ok'] }
    const out = shrink(JSON.stringify(obj), 10_000, 100)
    expect(out.truncated).toBe(1)
    expect(JSON.parse(out.text ?? '')).toEqual({
      ...obj,
      description: `${'x'.repeat(100)}${TRUNCATION_MARK}`,
    })
  })

  // Caps above the longest key: keys are strings too, and a cut key would not be found by name.
  it('never cuts inside a UTF-8 character, an escape or a \\u sequence, whatever the chunking', () => {
    const tricky = `${'é'.repeat(60)}\\"${'\\u00e9'.repeat(30)}\\\\${'🙂'.repeat(40)}`
    const text = `{"description":"${tricky}","k":"\\"quoted\\" ${'a'.repeat(300)}"}`
    const whole = JSON.parse(text) as Record<string, string>
    for (const cap of [12, 13, 61, 63, 120, 121, 122, 123, 124, 125, 250, 251]) {
      const expected = shrink(text, 100_000, cap).text
      const parsed = JSON.parse(expected ?? '') as Record<string, string>
      for (const key of ['description', 'k']) {
        const v = parsed[key]
        expect(v.endsWith(TRUNCATION_MARK)).toBe(true)
        expect(whole[key].startsWith(v.slice(0, -TRUNCATION_MARK.length))).toBe(true)
      }
      for (const size of [1, 2, 7]) expect(shrink(text, 100_000, cap, size).text).toBe(expected)
    }
  })

  it('gives up when the element stays over the limit with its strings cut', () => {
    const many = JSON.stringify({ refs: Array.from({ length: 500 }, (_, i) => `ref-${i}`) })
    const out = shrink(many, 1000, 100)
    expect(out.text).toBeNull()
  })
})
