import { describe, expect, it } from 'vitest'
import { originalOffset, refangLine, wasDefanged } from '#core/extract/refang-line'

describe('refangLine', () => {
  it.each([
    ['hxxp://a[.]b/c', 'http://a.b/c'],
    ['hXXps://a(.)b', 'https://a.b'],
    ['h**p://a{.}b', 'http://a.b'],
    ['fxp://a[dot]b', 'ftp://a.b'],
    ['http[:]//a(dot)b', 'http://a.b'],
    ['http[://]a{dot}b', 'http://a.b'],
    ['u[at]a[.]b u(at)a(.)b u[@]a[.]b u{@}a{.}b', 'u@a.b u@a.b u@a.b u@a.b'],
    ['a[ . ]b a [.] b', 'a.b a.b'],
    ['a\\.b https:\\/\\/a.b\\/c', 'a.b https://a.b/c'],
    ['evil dot com', 'evil.com'],
    ['cdn dot evil dot net', 'cdn.evil.net'],
    ['hxxp://x[.]y and evil . com', 'http://x.y and evil.com'],
  ])('%s -> %s', (input, output) => {
    expect(refangLine(input).text).toBe(output)
  })

  it.each([
    'connect the dot to the next',
    'press a dot com key',
    'the end . Then more',
    'a plain line with evil.com',
    'array[0] (x) {y}',
  ])('leaves prose alone: %s', (input) => {
    expect(refangLine(input).text).toBe(input)
  })

  it('maps refanged offsets back to the original line', () => {
    const input = 'see evil[.]com now'
    const r = refangLine(input)
    expect(r.text).toBe('see evil.com now')
    expect(originalOffset(r, r.text.indexOf('evil'))).toBe(4)
    expect(originalOffset(r, r.text.indexOf(' now'))).toBe(input.indexOf(' now'))
    expect(originalOffset(r, r.text.length)).toBe(input.length)
    expect(wasDefanged(r, 4, 12)).toBe(true)
    expect(wasDefanged(r, 0, 3)).toBe(false)
  })

  it('returns no map for a line with nothing to refang', () => {
    expect(refangLine('plain (text) here').map).toBeNull()
  })
})
