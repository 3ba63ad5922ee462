import { describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract/errors'
import { JsonSplitter, type JsonTarget } from '#core/feeds/formats/json-splitter'
import { bytesOf } from './support'

type Cut = { elements: [number, string | undefined, string][]; oversize: [number, number][] }

const split = (
  text: string,
  target: JsonTarget,
  size: number,
  max?: number,
): Cut & { summary: unknown } => {
  const bytes = bytesOf(text)
  const cut: Cut = { elements: [], oversize: [] }
  const splitter = new JsonSplitter(target, max)
  const sink = {
    element: (t: string, i: number, key: string | undefined) => cut.elements.push([i, key, t]),
    oversize: (i: number, _k: string | undefined, bytes: number) => cut.oversize.push([i, bytes]),
  }
  for (let at = 0; at < bytes.length; at += size) splitter.push(bytes.slice(at, at + size), sink)
  return { ...cut, summary: splitter.end() }
}

const bundle =
  '\uFEFF{"type":"bundle","id":"bundle--1","note":{"objects":["not this one"]},"objects":[\r\n' +
  '  {"type":"x","s":"a ] } \\" [ { tricky"},\n' +
  '  ["nested",[1,2]],\n' +
  '  "a string with \\\\ and \\"",\n' +
  '  12.5e3 ,\n' +
  '  true,\n' +
  '  {"type":"ünïcødé","v":"пример"}\n' +
  '],"trailer":[{"ignored":true}]}\n'

describe('JsonSplitter', () => {
  it('cuts out exactly the elements of the top-level "objects" array, strings and escapes respected', () => {
    for (const size of [1, 2, 7, 4096]) {
      const cut = split(bundle, { kind: 'array', key: 'objects' }, size)
      expect(cut.elements.map(([i, , t]) => [i, JSON.parse(t) as unknown])).toEqual([
        [1, { type: 'x', s: 'a ] } " [ { tricky' }],
        [2, ['nested', [1, 2]]],
        [3, 'a string with \\ and "'],
        [4, 12500],
        [5, true],
        [6, { type: 'ünïcødé', v: 'пример' }],
      ])
      expect(cut.summary).toEqual({ rootKind: 'object', elements: 6, foundTarget: true })
    }
  })

  it('reads a root array, and every value of an object of arrays/objects with its key', () => {
    expect(split('[{"a":1}, {"b":2}]', { kind: 'root-array' }, 3).elements).toEqual([
      [1, undefined, '{"a":1}'],
      [2, undefined, '{"b":2}'],
    ])
    const tf = split(
      '{"11":[{"v":1},{"v":2}],"k\\"q":{"v":3},"s":"skip","n":[]}',
      { kind: 'object-values' },
      1,
    )
    expect(tf.elements).toEqual([
      [1, '11', '{"v":1}'],
      [2, '11', '{"v":2}'],
      [3, 'k"q', '{"v":3}'],
    ])
  })

  it('skips an element over the size cap and reports it with its number and size', () => {
    const big = `{"type":"indicator","description":"${'x'.repeat(5000)}"}`
    const cut = split(
      `{"objects":[{"a":1},${big},{"b":2}]}`,
      { kind: 'array', key: 'objects' },
      700,
      1000,
    )
    expect(cut.elements.map(([i, , t]) => [i, t])).toEqual([
      [1, '{"a":1}'],
      [3, '{"b":2}'],
    ])
    expect(cut.oversize).toEqual([[2, big.length]])
  })

  it('fails a truncated document, a mismatched bracket, trailing garbage and non-JSON input', () => {
    const fails = (text: string, re: RegExp) => {
      let error: unknown
      try {
        split(text, { kind: 'array', key: 'objects' }, 5)
      } catch (e) {
        error = e
      }
      expect(isAppError(error) && error.code === 'invalid_input' && re.test(error.message)).toBe(
        true,
      )
    }
    fails('{"objects":[{"a":1},{"b":', /ends early \(inside element 2/)
    fails('{"objects":[{"a":1]]}', /'\]' closes a '\{'/)
    fails('{"objects":[]} {"again":1}', /after the end of the JSON document/)
    fails('hello', /not a JSON object or array/)
    fails('   ', /empty/)
  })

  it('reports when the target array is missing', () => {
    expect(
      split('{"type":"bundle","id":"bundle--1"}', { kind: 'array', key: 'objects' }, 4).summary,
    ).toEqual({
      rootKind: 'object',
      elements: 0,
      foundTarget: false,
    })
  })
})
