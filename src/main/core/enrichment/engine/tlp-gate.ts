import { TLP_LEVELS, type Tlp } from '#shared/domain/enums'

const rank = (t: Tlp): number => TLP_LEVELS.indexOf(t)

/**
 * The TLP gate: an indicator marked above a provider's ceiling is not sent. Null when it may go; otherwise
 * the reason in words, naming both markings (the panel shows it, the result is skipped as 'tlp').
 */
export const tlpRefusal = (
  indicatorTlp: Tlp,
  provider: { label: string; maxTlp: Tlp },
): string | null =>
  rank(indicatorTlp) <= rank(provider.maxTlp)
    ? null
    : `TLP:${indicatorTlp.toUpperCase()} is above ${provider.label}'s ceiling of TLP:${provider.maxTlp.toUpperCase()}; not sent (override for one request with a confirmed reason)`
