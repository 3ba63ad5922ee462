import { describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract'
import { analyzeUrl, loadShippedUrlModel } from '#core/analysis/url/analyze-url'
import { linkScore } from '#core/analysis/url/link-score'
import { extractUrlFeatures, MAX_URL_LENGTH } from '#core/analysis/url/url-features'
import { urlSeverity } from '#core/analysis/url/url-severity'

const model = loadShippedUrlModel()

const caught = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected an error')
}

describe('analyzeUrl', () => {
  it('returns features, facts, link score, probability, class and top contributions', () => {
    const a = analyzeUrl('http://paypa1.com/login', { model })
    expect(a.facts.brand).toMatchObject({ brand: 'paypal', kind: 'homoglyph' })
    expect(a.features.brandHomoglyph).toBe(1)
    expect(a.prediction.label).toBe('phishing')
    expect(a.prediction.probability).toBeGreaterThan(0.5)
    expect(a.prediction.topContributions).toHaveLength(5)
    expect(a.prediction.model).toEqual({ name: model.name, version: model.version })
    expect(a.linkScore.score).toBeGreaterThanOrEqual(25)
    expect(a.linkScore.reasons[0]).toEqual({ feature: 'brandHomoglyph', points: 45 })
  })

  it("feeds the seed's severity rule: the largest of link score and model probability", () => {
    const a = analyzeUrl('http://paypa1.com/login', { model })
    const v = urlSeverity({
      databaseMatch: null,
      warninglistHit: null,
      linkScore: a.linkScore.score,
      model: a.prediction,
    })
    const modelTerm = Math.round(a.prediction.probability * 100)
    expect(v.severity).toBe(Math.max(a.linkScore.score, modelTerm))
    expect(v.sources.map((s) => s.source).sort()).toEqual(['link_score', 'model'])
    const benign = analyzeUrl('https://github.com/nodejs/node', { model })
    expect(
      urlSeverity({
        databaseMatch: null,
        warninglistHit: null,
        linkScore: benign.linkScore.score,
        model: benign.prediction,
      }),
    ).toEqual({ severity: 0, sources: [], suppressedBy: null })
  })

  it('gives as many contributions as asked', () => {
    expect(
      analyzeUrl('https://github.com/', { model, top: 2 }).prediction.topContributions,
    ).toHaveLength(2)
    expect(
      analyzeUrl('https://github.com/', { model, top: 0 }).prediction.topContributions,
    ).toEqual([])
  })

  it('calls ordinary sites benign and scores them low', () => {
    for (const url of ['https://github.com/nodejs/node', 'https://www.wikipedia.org/']) {
      const a = analyzeUrl(url, { model })
      expect(a.prediction.label).toBe('benign')
      expect(a.linkScore.score).toBeLessThan(25)
    }
  })

  it('is refused by name past the length cap, in bounded time', () => {
    const huge = `https://example.com/${'a'.repeat(1024 * 1024)}`
    const started = performance.now()
    const e = caught(() => analyzeUrl(huge, { model }))
    expect(performance.now() - started).toBeLessThan(1000)
    expect(isAppError(e) && e.code).toBe('payload_too_large')
    expect(String(e)).toMatch(/url is 1048596 characters long; at most 65536/)
  })

  it('gives a verdict on a hostile URL just under the cap, in bounded time', () => {
    const path = '/%41/'.repeat(6000) + '//'.repeat(2000)
    const query = '?' + 'login=1&'.repeat(3000)
    const url = `https://${'xn--pypal-4ve.'.repeat(15)}com${path}${query}`.slice(0, MAX_URL_LENGTH)
    const started = performance.now()
    const a = analyzeUrl(url, { model })
    expect(performance.now() - started).toBeLessThan(2000)
    expect(a.features.percentEncoded).toBeGreaterThan(1000)
    expect(a.features.doubleSlashInPath).toBe(1)
    expect(a.linkScore.score).toBeLessThanOrEqual(100)
    expect(Number.isFinite(a.prediction.probability)).toBe(true)
  })

  it('refuses over-long host names and non-web schemes with a clear error', () => {
    const e = caught(() => analyzeUrl(`https://${'a.'.repeat(200)}com/`, { model }))
    expect(isAppError(e) && e.code).toBe('invalid_input')
    expect(String(e)).toMatch(/host name is 403 characters long, more than 253/)
    expect(String(caught(() => analyzeUrl('javascript:alert(1)', { model })))).toMatch(/url/)
  })
})

describe('link score', () => {
  it('is 0 for a plain https link and capped at 100', () => {
    expect(linkScore(extractUrlFeatures('https://example.org/docs').features)).toEqual({
      score: 0,
      reasons: [],
    })
    const worst = linkScore(
      extractUrlFeatures(
        'http://paypal.com@secure-login.verify.wallet.paypa1-account.top:8080/a//b/update.exe',
      ).features,
    )
    expect(worst.score).toBe(100)
    expect(worst.reasons.map((r) => r.feature)).toEqual(
      expect.arrayContaining([
        'atInAuthority',
        'brandLookalike',
        'doubleSlashInPath',
        'explicitPort',
        'suspiciousTld',
      ]),
    )
  })

  it('adds the points of each sign', () => {
    const s = linkScore(extractUrlFeatures('http://192.0.2.1/').features)
    expect(s).toEqual({
      score: 30,
      reasons: [
        { feature: 'ipHost', points: 25 },
        { feature: 'httpScheme', points: 5 },
      ],
    })
  })
})
