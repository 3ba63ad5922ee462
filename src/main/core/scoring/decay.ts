import type { IocType } from '#shared/domain'
import type { DecayModel, DecayPolicy } from '#shared/domain/decay-policy'

/**
 * How an indicator's score fades with time: the polynomial MISP and OpenCTI share,
 * `score(t) = base · (1 − (t/L)^(1/d))` for 0 ≤ t ≤ L and 0 after, where L is the lifetime in days and d
 * the decay speed (OpenCTI writes it 3·pound). Unlike both, the clock starts again whenever a source
 * observes the indicator again or an analyst confirms it: `t` counts from the latest of those moments
 * (see `decayClockStart`), so an indicator that is still being reported never expires.
 */
export type { DecayModel, DecayPolicy } from '#shared/domain/decay-policy'
export { DEFAULT_DECAY_POLICY } from '#shared/domain/decay-policy'

const DAY_MS = 86_400_000

export const decayModelFor = (policy: DecayPolicy, type: IocType): DecayModel =>
  policy.byType[type] ?? policy.fallback

/** The factor in [0, 1] a score is multiplied by after `ageDays` (1 at age 0 and before, 0 at the lifetime). */
export const decayFactor = (model: DecayModel, ageDays: number): number => {
  if (!(ageDays > 0)) return 1
  if (ageDays >= model.lifetimeDays || model.lifetimeDays <= 0) return 0
  return 1 - Math.pow(ageDays / model.lifetimeDays, 1 / model.speed)
}

/**
 * When the decay clock started: the latest of the last sighting by any source and the last analyst
 * confirmation (a true-positive verdict), else when the indicator was first recorded. ISO-8601 strings in,
 * milliseconds out; unparseable or missing moments are ignored.
 */
export const decayClockStart = (moments: {
  lastSeenAt?: string | null
  confirmedAt?: string | null
  createdAt: string
}): number => {
  const ms = (s: string | null | undefined): number => (s ? Date.parse(s) : Number.NaN)
  const restarts = [ms(moments.lastSeenAt), ms(moments.confirmedAt)].filter(Number.isFinite)
  if (restarts.length > 0) return Math.max(...restarts)
  const created = ms(moments.createdAt)
  return Number.isFinite(created) ? created : 0
}

/** A score after decay, with what the analyst needs to see: the factor, the age and whether it expired. */
export type Decayed = {
  score: number
  factor: number
  ageDays: number
  expired: boolean
  /** When the score reaches the revoke threshold at this rate (ISO-8601), null when it never will. */
  expiresAt: string | null
}

/**
 * Applies decay to a base score (0-100) at `nowMs`. Expiry is decided on the decayed score against the
 * policy's revoke threshold; `expiresAt` solves base · factor(t) = revokeScore for t.
 */
export const applyDecay = (
  base: number,
  model: DecayModel,
  clockStartMs: number,
  nowMs: number,
  revokeScore: number,
): Decayed => {
  const ageDays = Math.max(0, (nowMs - clockStartMs) / DAY_MS)
  const factor = decayFactor(model, ageDays)
  const score = Math.round(base * factor * 10) / 10
  return {
    score,
    factor,
    ageDays,
    expired: score <= revokeScore,
    expiresAt: expiryOf(base, model, clockStartMs, revokeScore),
  }
}

/** The moment base · (1 − (t/L)^(1/d)) falls to `revokeScore`: t = L · (1 − revoke/base)^d. */
const expiryOf = (
  base: number,
  model: DecayModel,
  clockStartMs: number,
  revokeScore: number,
): string | null => {
  if (base <= revokeScore) return new Date(clockStartMs).toISOString()
  if (model.lifetimeDays <= 0) return new Date(clockStartMs).toISOString()
  const days = model.lifetimeDays * Math.pow(1 - revokeScore / base, model.speed)
  return new Date(clockStartMs + days * DAY_MS).toISOString()
}
