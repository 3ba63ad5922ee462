import { describe, expect, it } from 'vitest'
import { DEFAULT_DECAY_POLICY } from '#shared/domain/decay-policy'
import { DEFAULT_RISK_THRESHOLDS, riskLevelFor, riskLevelFromScore } from '#shared/domain/enums'
import {
  computeScore,
  riskReason,
  type ScoreInputs,
  type ScoringConfig,
} from '#core/scoring/compute-score'
import { createFixedClock } from '#core/platform/clock'

const DAY = 86_400_000
const T0 = '2026-01-01T00:00:00.000Z'
const CONFIG: ScoringConfig = { thresholds: DEFAULT_RISK_THRESHOLDS, decay: DEFAULT_DECAY_POLICY }

const inputs = (over: Partial<ScoreInputs> = {}): ScoreInputs => ({
  type: 'url',
  reliability: 'B',
  sourceCount: 1,
  sightingCount: 1,
  sourceConfidence: null,
  analystConfidence: null,
  classification: 'malicious',
  threatType: 'malware_download',
  malware: 'Emotet',
  urlScore: null,
  warninglistHits: 0,
  enrichment: null,
  verdict: null,
  analystSeverity: null,
  analystScore: null,
  decayFrom: T0,
  ...over,
})

describe('computeScore', () => {
  it('adds the named terms into the base score and lists every term, present or not', () => {
    const clock = createFixedClock(T0)
    const s = computeScore(inputs(), CONFIG, clock.now())
    // B 28 + malicious 20 + malware 8 + threat type 5
    expect(s.baseScore).toBe(61)
    expect(s.score).toBe(61)
    expect(s.terms.map((t) => t.term)).toEqual([
      'source_reliability',
      'sources',
      'sightings',
      'source_confidence',
      'classification',
      'threat_context',
      'url_analysis',
      'young_domain',
      'hosting_asn',
      'provider_verdicts',
      'warninglist',
      'analyst_severity',
      'analyst_verdict',
    ])
    expect(s.terms.reduce((n, t) => n + t.points, 0)).toBe(61)
    expect(s).toMatchObject({ riskLevel: 'high', riskDecidedBy: 'score', expired: false })
  })

  it('holds the sum to 0-100', () => {
    const now = createFixedClock(T0).now()
    const high = computeScore(
      inputs({
        reliability: 'A',
        sourceCount: 5,
        sightingCount: 20,
        sourceConfidence: 100,
        urlScore: 100,
        verdict: 'true_positive',
      }),
      CONFIG,
      now,
    )
    expect(high.baseScore).toBe(100)
    const low = computeScore(
      inputs({
        reliability: 'E',
        classification: 'benign',
        threatType: null,
        malware: null,
        warninglistHits: 2,
      }),
      CONFIG,
      now,
    )
    expect(low.baseScore).toBe(0)
  })

  it('a warninglist hit lowers the score by its own term', () => {
    const now = createFixedClock(T0).now()
    const clean = computeScore(inputs(), CONFIG, now)
    const listed = computeScore(inputs({ warninglistHits: 1 }), CONFIG, now)
    expect(clean.baseScore - listed.baseScore).toBe(30)
    expect(listed.terms.find((t) => t.term === 'warninglist')?.points).toBe(-30)
  })

  it('true positive raises; false positive forces the score low whatever the evidence', () => {
    const now = createFixedClock(T0).now()
    expect(computeScore(inputs({ verdict: 'true_positive' }), CONFIG, now).baseScore).toBe(86)
    const fp = computeScore(
      inputs({
        verdict: 'false_positive',
        reliability: 'A',
        sourceCount: 4,
        analystSeverity: 'critical',
      }),
      CONFIG,
      now,
    )
    expect(fp.baseScore).toBe(10)
    // A false positive is decided by its (held) score, not by an earlier severity.
    expect(fp).toMatchObject({ riskLevel: 'safe', riskDecidedBy: 'score' })
  })

  it("an analyst's severity is a term and decides the risk level, and says so", () => {
    const now = createFixedClock(T0).now()
    const s = computeScore(inputs({ analystSeverity: 'low' }), CONFIG, now)
    expect(s.terms.find((t) => t.term === 'analyst_severity')?.points).toBe(-10)
    expect(s.baseScore).toBe(51)
    expect(s).toMatchObject({
      riskLevel: 'low',
      riskDecidedBy: 'severity',
      scoreRiskLevel: 'medium',
    })
    expect(riskReason(s)).toBe(
      "low: decided by the analyst's severity; the score (51) alone would say medium",
    )
    const agree = computeScore(inputs({ analystSeverity: 'high' }), CONFIG, now)
    expect(riskReason(agree)).toMatch(/^high: the analyst's severity and the score \(71\) agree/)
  })

  it("an analyst's score replaces the sum, by a term that says what the rest added up to", () => {
    const s = computeScore(inputs({ analystScore: 30 }), CONFIG, createFixedClock(T0).now())
    expect(s.baseScore).toBe(30)
    expect(s.terms.find((t) => t.term === 'analyst_score')).toMatchObject({
      points: -31,
      detail: 'an analyst set the score to 30 (the other terms add up to 61)',
    })
  })

  it('risk bands come from settings', () => {
    const strict = { low: 10, medium: 30, high: 50, critical: 60 }
    const s = computeScore(inputs(), { ...CONFIG, thresholds: strict }, createFixedClock(T0).now())
    expect(s.riskLevel).toBe('critical')
    expect(riskLevelFor(61, strict)).toBe('critical')
    expect(riskLevelFromScore(61)).toBe('high')
  })
})

describe('decay clock (fake clock)', () => {
  it('ages the score along the polynomial, expires at the revoke threshold, and keeps the row', () => {
    const clock = createFixedClock(T0)
    const base = computeScore(inputs(), CONFIG, clock.now())
    expect(base.expiresAt).not.toBeNull()
    clock.advance(10 * DAY)
    const aged = computeScore(inputs(), CONFIG, clock.now())
    expect(aged.baseScore).toBe(61)
    expect(aged.score).toBeLessThan(61)
    expect(aged.expired).toBe(false)
    clock.set(aged.expiresAt ?? '')
    clock.advance(DAY)
    const gone = computeScore(inputs(), CONFIG, clock.now())
    expect(gone.expired).toBe(true)
    expect(gone.score).toBeLessThanOrEqual(DEFAULT_DECAY_POLICY.revokeScore)
    expect(gone.riskLevel).toBe(riskLevelFromScore(gone.score))
  })

  it('restarts from decayFrom: a later sighting makes it whole again', () => {
    const clock = createFixedClock(T0)
    clock.advance(40 * DAY)
    const stale = computeScore(inputs(), CONFIG, clock.now())
    const seenAgain = computeScore(
      inputs({ decayFrom: clock.now().toISOString() }),
      CONFIG,
      clock.now(),
    )
    expect(stale.score).toBeLessThan(30)
    expect(seenAgain.score).toBe(61)
  })

  it('uses the lifetime of the type: a hash outlives an address', () => {
    const clock = createFixedClock(T0)
    clock.advance(60 * DAY)
    expect(computeScore(inputs({ type: 'ip' }), CONFIG, clock.now()).expired).toBe(true)
    expect(computeScore(inputs({ type: 'sha256' }), CONFIG, clock.now()).expired).toBe(false)
  })
})
