import { describe, expect, it } from 'vitest'
import { LINK_SCORE_THRESHOLD, urlSeverity } from '#core/analysis/url/url-severity'

const none = { databaseMatch: null, warninglistHit: null, linkScore: 0, model: null }

describe("the seed's severity rule", () => {
  it('is 0 with no source', () => {
    expect(urlSeverity(none)).toEqual({ severity: 0, sources: [], suppressedBy: null })
  })

  it('counts the link score only from the threshold up', () => {
    expect(urlSeverity({ ...none, linkScore: LINK_SCORE_THRESHOLD - 1 }).severity).toBe(0)
    expect(urlSeverity({ ...none, linkScore: LINK_SCORE_THRESHOLD })).toEqual({
      severity: 25,
      sources: [{ source: 'link_score', severity: 25 }],
      suppressedBy: null,
    })
  })

  it('counts the model only when it predicts phishing', () => {
    expect(urlSeverity({ ...none, model: { label: 'benign', probability: 0.49 } }).severity).toBe(0)
    expect(urlSeverity({ ...none, model: { label: 'phishing', probability: 0.873 } })).toEqual({
      severity: 87,
      sources: [{ source: 'model', severity: 87 }],
      suppressedBy: null,
    })
  })

  it('takes the largest term and lists every source that triggered, largest first', () => {
    const v = urlSeverity({
      databaseMatch: { severity: 60, reference: 'indicator 42' },
      warninglistHit: null,
      linkScore: 40,
      model: { label: 'phishing', probability: 0.9 },
    })
    expect(v.severity).toBe(90)
    expect(v.sources.map((s) => s.source)).toEqual(['model', 'database', 'link_score'])
  })

  it('lets a database match win over weaker guesses', () => {
    const v = urlSeverity({
      ...none,
      databaseMatch: { severity: 95, reference: 'indicator 7' },
      linkScore: 30,
    })
    expect(v.severity).toBe(95)
    expect(v.sources[0].source).toBe('database')
  })

  it('drops the guesses on a warninglist hit but keeps a database match', () => {
    const guesses = { linkScore: 80, model: { label: 'phishing' as const, probability: 0.99 } }
    const hit = { list: 'popular-domains' }
    expect(urlSeverity({ ...none, ...guesses, warninglistHit: hit })).toEqual({
      severity: 0,
      sources: [],
      suppressedBy: 'warninglist:popular-domains',
    })
    const withDb = urlSeverity({
      ...guesses,
      warninglistHit: hit,
      databaseMatch: { severity: 70, reference: 'indicator 9' },
    })
    expect(withDb.severity).toBe(70)
    expect(withDb.sources).toEqual([{ source: 'database', severity: 70 }])
  })

  it('clamps terms to 0-100', () => {
    expect(
      urlSeverity({ ...none, databaseMatch: { severity: 250, reference: 'x' } }).severity,
    ).toBe(100)
    expect(urlSeverity({ ...none, databaseMatch: { severity: -5, reference: 'x' } }).severity).toBe(
      0,
    )
  })
})
