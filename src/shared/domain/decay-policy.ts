import type { IocType } from './enums'

/**
 * How an indicator's score fades with time (settings: decay): the polynomial MISP and OpenCTI share,
 * applied by src/main/core/scoring/decay.ts. Here so the settings contract can validate and default it.
 */
export type DecayModel = {
  /** Days until the score reaches 0. */
  lifetimeDays: number
  /** The polynomial's speed d: above 1 the score holds longer and then falls faster. */
  speed: number
}

export type DecayPolicy = {
  /** Per indicator type; a type not listed uses `fallback`. */
  byType: Partial<Record<IocType, DecayModel>>
  fallback: DecayModel
  /** At or below this score an indicator is expired: kept and marked, never deleted. */
  revokeScore: number
}

/**
 * OpenCTI's built-in decay rules, as the defaults: IP and URL 47 days (pound 0.55), domain 300 days
 * (0.7), file hashes 460 days (0.3), anything else 470 days (0.35); speed = 3 · pound; revoked at 20.
 */
export const DEFAULT_DECAY_POLICY: DecayPolicy = (() => {
  const rule = (lifetimeDays: number, pound: number): DecayModel => ({
    lifetimeDays,
    speed: Math.round(3 * pound * 1000) / 1000,
  })
  const network = rule(47, 0.55)
  const file = rule(460, 0.3)
  return {
    byType: {
      ip: network,
      ipv6: network,
      cidr: network,
      url: network,
      domain: rule(300, 0.7),
      md5: file,
      sha1: file,
      sha256: file,
      sha512: file,
    },
    fallback: rule(470, 0.35),
    revokeScore: 20,
  }
})()
