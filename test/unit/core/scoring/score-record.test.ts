import { describe, expect, it } from 'vitest'
import {
  NO_FACTS,
  betterReliability,
  mergeFacts,
  parseStoredScore,
  serializeScore,
} from '#core/scoring/score-record'

describe('the stored breakdown', () => {
  it('round-trips the points by term and the facts, compactly', () => {
    const json = serializeScore(
      [
        { term: 'source_reliability', points: 35, detail: 'x' },
        { term: 'classification', points: 20, detail: 'y' },
        { term: 'analyst_verdict', points: 0, detail: 'z' },
      ],
      { rel: 'A', conf: 90, tt: 'botnet_cc', mw: 'Emotet', as: null },
    )
    expect(json.length).toBeLessThan(120)
    expect(parseStoredScore(json)).toEqual({
      points: { source_reliability: 35, classification: 20, analyst_verdict: 0 },
      facts: { rel: 'A', conf: 90, tt: 'botnet_cc', mw: 'Emotet', as: null },
    })
  })

  it('reads hostile or foreign content as nothing, and cuts long names', () => {
    expect(parseStoredScore(null)).toBeNull()
    expect(parseStoredScore('not json')).toBeNull()
    expect(parseStoredScore('{"v":1,"terms":[]}')).toBeNull()
    const odd = parseStoredScore(
      JSON.stringify({ v: 2, p: [1.5, 'x', 3], f: { r: 'Z', c: 500, m: 'm'.repeat(1000), a: -1 } }),
    )
    expect(odd?.points).toEqual({ sightings: 3 })
    expect(odd?.facts).toMatchObject({ rel: null, conf: null, as: null })
    expect(odd?.facts.mw?.length).toBe(81)
  })

  it('merges facts: the best grade, the highest confidence, the latest names', () => {
    expect(betterReliability('C', 'A')).toBe('A')
    expect(betterReliability('B', 'F')).toBe('B')
    expect(betterReliability(null, 'E')).toBe('E')
    expect(
      mergeFacts(
        { rel: 'B', conf: 80, tt: 'botnet_cc', mw: 'Emotet', as: 70 },
        { ...NO_FACTS, rel: 'C', conf: 60, mw: 'QakBot' },
      ),
    ).toEqual({ rel: 'B', conf: 80, tt: 'botnet_cc', mw: 'QakBot', as: 70 })
  })
})
