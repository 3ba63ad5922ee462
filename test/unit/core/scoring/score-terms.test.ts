import { describe, expect, it } from 'vitest'
import {
  FALSE_POSITIVE_CAP,
  analystScoreTerm,
  analystSeverityTerm,
  classificationTerm,
  confidenceTerm,
  reliabilityTerm,
  sightingsTerm,
  sourcesTerm,
  threatContextTerm,
  urlAnalysisTerm,
  verdictTerm,
  warninglistTerm,
} from '#core/scoring/score-terms'

describe('scoring terms', () => {
  it('source reliability: 5 + 0.3 × the admiralty confidence; unrated counts as fairly reliable', () => {
    expect(reliabilityTerm('A')).toEqual({
      term: 'source_reliability',
      points: 35,
      detail: 'best source reliability A (completely reliable)',
    })
    expect(reliabilityTerm('B').points).toBe(28)
    expect(reliabilityTerm('C').points).toBe(20)
    expect(reliabilityTerm('D').points).toBe(13)
    expect(reliabilityTerm('E').points).toBe(5)
    expect(reliabilityTerm('F')).toMatchObject({
      points: 20,
      detail: expect.stringContaining('cannot be judged'),
    })
    // Entered by an analyst: counted as B, so a bare indicator does not start expired.
    expect(reliabilityTerm(null)).toMatchObject({
      points: 28,
      detail: expect.stringContaining('by an analyst'),
    })
  })

  it('independent sources: nothing for one, 12 × log2(n) capped at 20', () => {
    expect(sourcesTerm(0)).toMatchObject({ points: 0, detail: expect.stringContaining('no feed') })
    expect(sourcesTerm(1)).toEqual({ term: 'sources', points: 0, detail: 'reported by 1 source' })
    expect(sourcesTerm(2).points).toBe(12)
    expect(sourcesTerm(3).points).toBe(19)
    expect(sourcesTerm(4).points).toBe(20)
    expect(sourcesTerm(50)).toMatchObject({
      points: 20,
      detail: 'reported by 50 independent sources',
    })
  })

  it('sightings: only the repeats beyond each source’s first count, at most 6', () => {
    expect(sightingsTerm(1, 1)).toMatchObject({ points: 0, detail: '1 sighting, none repeated' })
    expect(sightingsTerm(2, 1)).toMatchObject({
      points: 2,
      detail: expect.stringContaining('1 repeated'),
    })
    expect(sightingsTerm(4, 1).points).toBe(4)
    expect(sightingsTerm(100, 2).points).toBe(6)
    expect(sightingsTerm(0, 0).points).toBe(0)
  })

  it("confidence: 0.3 × (c − 50), the analyst's over the sources'", () => {
    expect(confidenceTerm(null, null)).toMatchObject({
      points: 0,
      detail: 'no source stated a confidence',
    })
    expect(confidenceTerm(100, null)).toMatchObject({
      points: 15,
      detail: expect.stringContaining('100'),
    })
    expect(confidenceTerm(0, null).points).toBe(-15)
    expect(confidenceTerm(90, 20)).toMatchObject({
      points: -9,
      detail: 'confidence 20 (set by an analyst)',
    })
  })

  it('classification: malicious +20, suspicious +10, unknown 0, benign -25', () => {
    expect(classificationTerm('malicious')).toEqual({
      term: 'classification',
      points: 20,
      detail: 'classified malicious',
    })
    expect(classificationTerm('suspicious').points).toBe(10)
    expect(classificationTerm('unknown')).toMatchObject({
      points: 0,
      detail: 'no source classified it',
    })
    expect(classificationTerm('benign').points).toBe(-25)
  })

  it('threat context: a named malware family +8, a threat type +5', () => {
    expect(threatContextTerm(null, null)).toMatchObject({ points: 0 })
    expect(threatContextTerm('', '')).toMatchObject({ points: 0 })
    expect(threatContextTerm('botnet_cc', null)).toMatchObject({
      points: 5,
      detail: 'threat type botnet_cc',
    })
    expect(threatContextTerm('malware_download', 'Emotet')).toEqual({
      term: 'threat_context',
      points: 13,
      detail: 'malware Emotet, threat type malware_download',
    })
  })

  it('URL analysis: present with 0 points when not analysed, else 0.3 × (s − 50)', () => {
    expect(urlAnalysisTerm(null)).toEqual({
      term: 'url_analysis',
      points: 0,
      detail: 'not analysed',
    })
    expect(urlAnalysisTerm(100).points).toBe(15)
    expect(urlAnalysisTerm(50).points).toBe(0)
    expect(urlAnalysisTerm(10)).toMatchObject({ points: -12, detail: 'URL analysis scored it 10' })
  })

  it('warninglists: a hit lowers the score by a named term', () => {
    expect(warninglistTerm(0)).toMatchObject({ points: 0 })
    expect(warninglistTerm(1)).toEqual({
      term: 'warninglist',
      points: -30,
      detail: 'on 1 known-benign list',
    })
    expect(warninglistTerm(3)).toMatchObject({ points: -40, detail: 'on 3 known-benign lists' })
  })

  it('analyst severity: -20 .. +15, 0 when not set', () => {
    expect(analystSeverityTerm(null)).toMatchObject({ points: 0 })
    expect(analystSeverityTerm('critical').points).toBe(15)
    expect(analystSeverityTerm('high').points).toBe(10)
    expect(analystSeverityTerm('medium').points).toBe(0)
    expect(analystSeverityTerm('low').points).toBe(-10)
    expect(analystSeverityTerm('info')).toMatchObject({
      points: -20,
      detail: 'an analyst set the severity to info',
    })
  })

  it("analyst score: replaces the other terms' sum", () => {
    expect(analystScoreTerm(90, 60)).toMatchObject({ term: 'analyst_score', points: 30 })
    expect(analystScoreTerm(10, 60).points).toBe(-50)
  })

  it('verdict: true positive +25; false positive holds the score at the cap, never raises it', () => {
    expect(verdictTerm(null, 70)).toMatchObject({ points: 0, detail: 'no analyst verdict' })
    expect(verdictTerm('true_positive', 70)).toMatchObject({ points: 25 })
    expect(verdictTerm('false_positive', 70).points).toBe(FALSE_POSITIVE_CAP - 70)
    expect(verdictTerm('false_positive', 3).points).toBe(0)
  })
})
