import { describe, expect, it } from 'vitest'
import { loadShippedUrlModel } from '#core/analysis/url/analyze-url'
import { extractUrlFeatures } from '#core/analysis/url/url-features'
import { loadUrlModel, predictUrl, type UrlModel } from '#core/analysis/url/url-model'

const model = loadShippedUrlModel()

describe('the shipped URL model', () => {
  it('loads, names itself and carries its held-out figures', () => {
    expect(model.name).toBe('threateye-url-logreg')
    expect(model.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(model.kind).toBe('logistic-regression')
    expect(model.features.length).toBeGreaterThan(5)
    const heldOut = model.metrics.heldOut as Record<string, number>
    for (const key of ['precision', 'recall', 'rocAuc']) {
      expect(heldOut[key]).toBeGreaterThan(0.5)
      expect(heldOut[key]).toBeLessThanOrEqual(1)
    }
    // A small file: it ships inside the app bundle.
    expect(JSON.stringify(model).length).toBeLessThan(16_384)
  })

  // Fixed URLs and the probabilities the shipped weights give them: retraining that changes these is a
  // new model version, and these figures move with it on purpose.
  it.each([
    ['https://github.com/', 0.164556, 'benign'],
    ['https://developer.mozilla.org/en-US/docs/Web', 0.304612, 'benign'],
    ['https://paypa1.com/', 0.861695, 'phishing'],
    ['https://xn--pypal-4ve.com/', 0.994981, 'phishing'],
    ['https://metamask-wallet-connect.xyz/', 0.999999, 'phishing'],
  ] as const)('gives %s a stable verdict', (url, probability, label) => {
    const p = predictUrl(model, extractUrlFeatures(url).features)
    expect(p.probability).toBeCloseTo(probability, 5)
    expect(p.label).toBe(label)
    expect(p.model).toEqual({ name: model.name, version: model.version })
  })

  it('explains every verdict: contributions are weight x standardised value and sum to the logit', () => {
    for (const url of ['https://paypa1.com/', 'https://github.com/', 'http://192.0.2.1/x']) {
      const features = extractUrlFeatures(url).features
      const p = predictUrl(model, features)
      expect(p.contributions).toHaveLength(model.features.length)
      for (const c of p.contributions) {
        const spec = model.features.find((f) => f.name === c.name)
        expect(spec).toBeDefined()
        if (!spec) continue
        expect(c.value).toBe(features[c.name])
        expect(c.standardised).toBeCloseTo((c.value - spec.mean) / spec.scale, 12)
        expect(c.contribution).toBeCloseTo(spec.weight * c.standardised, 12)
      }
      const sum = p.contributions.reduce((s, c) => s + c.contribution, model.intercept)
      expect(p.logit).toBeCloseTo(sum, 12)
      expect(p.probability).toBeCloseTo(1 / (1 + Math.exp(-sum)), 12)
      const magnitudes = p.contributions.map((c) => Math.abs(c.contribution))
      expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a))
    }
  })

  it('puts the homoglyph among the top reasons for paypa1.com', () => {
    const p = predictUrl(model, extractUrlFeatures('https://paypa1.com/').features)
    expect(p.contributions.slice(0, 3).map((c) => c.name)).toContain('brandHomoglyph')
  })
})

describe('loading a model file', () => {
  const base: UrlModel = {
    name: 'm',
    version: '1',
    kind: 'logistic-regression',
    threshold: 0.5,
    intercept: 0,
    features: [{ name: 'ipHost', mean: 0, scale: 1, weight: 2 }],
    training: {},
    metrics: {},
  }

  it('predicts from a hand-made model', () => {
    const m = loadUrlModel(base)
    const ip = predictUrl(m, extractUrlFeatures('http://192.0.2.1/').features)
    expect(ip.logit).toBe(2)
    expect(ip.label).toBe('phishing')
    const name = predictUrl(m, extractUrlFeatures('http://example.org/').features)
    expect(name.probability).toBe(0.5)
  })

  it('refuses unknown features, duplicates, bad numbers and other kinds, naming where', () => {
    const bad = (patch: Record<string, unknown>) => () => loadUrlModel({ ...base, ...patch })
    expect(bad({ features: [{ name: 'nope', mean: 0, scale: 1, weight: 1 }] })).toThrow(
      /features\.0\.name/,
    )
    expect(bad({ features: [...base.features, ...base.features] })).toThrow(/'ipHost' twice/)
    expect(bad({ features: [{ name: 'ipHost', mean: 0, scale: 0, weight: 1 }] })).toThrow(
      /features\.0\.scale/,
    )
    expect(bad({ kind: 'random-forest' })).toThrow(/kind/)
    expect(bad({ threshold: 1 })).toThrow(/threshold/)
    expect(() => loadUrlModel(null)).toThrow(/URL model is invalid/)
  })
})
