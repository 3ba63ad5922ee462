import { describe, expect, it } from 'vitest'
import {
  DEFAULT_DECAY_POLICY,
  applyDecay,
  decayClockStart,
  decayFactor,
  decayModelFor,
} from '#core/scoring/decay'
import { RELIABILITY_CONFIDENCE } from '#core/feeds/engine/engine-types'

const DAY = 86_400_000
const T0 = Date.parse('2026-01-01T00:00:00.000Z')

describe('decay', () => {
  it("uses OpenCTI's lifetimes and speeds per type, with a fallback", () => {
    expect(decayModelFor(DEFAULT_DECAY_POLICY, 'ip')).toEqual({ lifetimeDays: 47, speed: 1.65 })
    expect(decayModelFor(DEFAULT_DECAY_POLICY, 'url')).toEqual({ lifetimeDays: 47, speed: 1.65 })
    expect(decayModelFor(DEFAULT_DECAY_POLICY, 'domain')).toEqual({ lifetimeDays: 300, speed: 2.1 })
    expect(decayModelFor(DEFAULT_DECAY_POLICY, 'sha256')).toEqual({ lifetimeDays: 460, speed: 0.9 })
    expect(decayModelFor(DEFAULT_DECAY_POLICY, 'mutex')).toEqual({ lifetimeDays: 470, speed: 1.05 })
    expect(DEFAULT_DECAY_POLICY.revokeScore).toBe(20)
  })

  it('follows base · (1 − (t/L)^(1/d)): whole at 0, zero at the lifetime and after', () => {
    const m = { lifetimeDays: 100, speed: 2 }
    expect(decayFactor(m, 0)).toBe(1)
    expect(decayFactor(m, -3)).toBe(1)
    expect(decayFactor(m, 25)).toBeCloseTo(0.5, 10) // 1 − sqrt(0.25)
    expect(decayFactor(m, 100)).toBe(0)
    expect(decayFactor(m, 1000)).toBe(0)
    expect(decayFactor({ lifetimeDays: 100, speed: 1 }, 30)).toBeCloseTo(0.7, 10)
    // Faster speed: holds longer early on.
    expect(decayFactor({ lifetimeDays: 100, speed: 3 }, 10)).toBeLessThan(
      decayFactor({ lifetimeDays: 100, speed: 1 }, 10),
    )
  })

  it('restarts the clock at the latest sighting or analyst confirmation, else creation', () => {
    expect(decayClockStart({ createdAt: '2026-01-01T00:00:00.000Z' })).toBe(T0)
    expect(
      decayClockStart({
        createdAt: '2026-01-01T00:00:00.000Z',
        lastSeenAt: '2026-02-01T00:00:00.000Z',
        confirmedAt: '2026-01-15T00:00:00.000Z',
      }),
    ).toBe(Date.parse('2026-02-01T00:00:00.000Z'))
    expect(
      decayClockStart({
        createdAt: '2026-01-01T00:00:00.000Z',
        lastSeenAt: 'not a date',
        confirmedAt: '2026-03-01T00:00:00.000Z',
      }),
    ).toBe(Date.parse('2026-03-01T00:00:00.000Z'))
  })

  it('marks a score at or below the revoke threshold expired and says when it will be', () => {
    const m = { lifetimeDays: 100, speed: 2 }
    const fresh = applyDecay(80, m, T0, T0 + 25 * DAY, 20)
    expect(fresh).toMatchObject({ score: 40, ageDays: 25, expired: false })
    // 80 · (1 − sqrt(t/100)) = 20  ⇔  t = 100 · 0.75² = 56.25 days.
    expect(fresh.expiresAt).toBe(new Date(T0 + 56.25 * DAY).toISOString())
    const old = applyDecay(80, m, T0, T0 + 60 * DAY, 20)
    expect(old.expired).toBe(true)
    expect(old.score).toBeGreaterThan(0)
    expect(applyDecay(10, m, T0, T0, 20)).toMatchObject({
      score: 10,
      expired: true,
      expiresAt: new Date(T0).toISOString(),
    })
  })

  it("maps the admiralty scale's reliability to MISP's numbers", () => {
    expect(RELIABILITY_CONFIDENCE).toEqual({ A: 100, B: 75, C: 50, D: 25, E: 0, F: 50 })
  })
})
