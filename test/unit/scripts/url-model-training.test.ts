import { describe, expect, it } from 'vitest'
import { cleanHost } from '../../../scripts/url-model-data'
import { evaluate, rocAuc } from '../../../scripts/url-model-metrics'

describe('URL model metrics', () => {
  it('computes ROC AUC by ranks, ties shared', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1)
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0)
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5)
    // One of the four phishing/benign pairs is ordered wrongly.
    expect(rocAuc([0.1, 0.6, 0.4, 0.9], [0, 0, 1, 1])).toBe(0.75)
  })

  it('counts the confusion matrix at the cut and derives the rates', () => {
    const m = evaluate([0.9, 0.7, 0.4, 0.6, 0.1], [1, 1, 1, 0, 0], 0.5)
    expect(m).toMatchObject({
      truePositives: 2,
      falseNegatives: 1,
      falsePositives: 1,
      trueNegatives: 1,
      precision: 0.6667,
      recall: 0.6667,
      falsePositiveRate: 0.5,
      precisionAtEqualPrevalence: 0.5714,
    })
  })
})

describe('URL model data', () => {
  it('keeps real multi-label host names, lower-cased', () => {
    expect(cleanHost('Docs.Example-Site.org.')).toBe('docs.example-site.org')
    expect(cleanHost('xn--pypal-4ve.com')).toBe('xn--pypal-4ve.com')
  })

  it('drops reserved names, addresses, file names and malformed labels', () => {
    for (const bad of [
      'example.com',
      'api.example.org',
      'my.test',
      'localhost',
      'intranet',
      '192.0.2.1',
      'index.html',
      'bundle.js',
      'a..b.com',
      '-bad.com',
      'x.123',
    ]) {
      expect(cleanHost(bad), bad).toBeNull()
    }
  })
})
