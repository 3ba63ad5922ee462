import type { UrlFeatureName, UrlFeatures } from './url-features'

export type LinkScoreReason = { feature: UrlFeatureName; points: number }
export type LinkScore = { score: number; reasons: LinkScoreReason[] }

// Points per warning sign, fixed by hand rather than learned: the seed's "link score" works on any URL,
// including the path tricks the domain-only training data cannot teach the model. Each rule reads one
// named feature; the total is capped at 100.
const RULES: readonly { feature: UrlFeatureName; points: (v: number) => number }[] = [
  { feature: 'brandHomoglyph', points: (v) => (v > 0 ? 45 : 0) },
  { feature: 'brandLookalike', points: (v) => (v > 0 ? 35 : 0) },
  { feature: 'brandInSubdomain', points: (v) => (v > 0 ? 30 : 0) },
  { feature: 'atInAuthority', points: (v) => (v > 0 ? 30 : 0) },
  { feature: 'ipHost', points: (v) => (v > 0 ? 25 : 0) },
  { feature: 'mixedScriptHost', points: (v) => (v > 0 ? 25 : 0) },
  { feature: 'punycode', points: (v) => (v > 0 ? 10 : 0) },
  { feature: 'doubleSlashInPath', points: (v) => (v > 0 ? 15 : 0) },
  { feature: 'suspiciousTld', points: (v) => (v > 0 ? 15 : 0) },
  { feature: 'suspiciousWordsInHost', points: (v) => Math.min(v * 10, 20) },
  { feature: 'suspiciousWordsInPath', points: (v) => Math.min(v * 5, 15) },
  { feature: 'executableExtension', points: (v) => (v > 0 ? 15 : 0) },
  { feature: 'shortener', points: (v) => (v > 0 ? 10 : 0) },
  { feature: 'explicitPort', points: (v) => (v > 0 ? 10 : 0) },
  { feature: 'subdomainDepth', points: (v) => (v >= 4 ? 15 : v >= 3 ? 10 : 0) },
  { feature: 'hostHyphens', points: (v) => (v >= 3 ? 10 : v >= 2 ? 5 : 0) },
  { feature: 'hostDigitRatio', points: (v) => (v >= 0.3 ? 10 : 0) },
  { feature: 'hostEntropy', points: (v) => (v >= 4.2 ? 10 : 0) },
  { feature: 'urlLength', points: (v) => (v >= 200 ? 10 : v >= 100 ? 5 : 0) },
  { feature: 'httpScheme', points: (v) => (v > 0 ? 5 : 0) },
]

/** The 0-100 heuristic score from the lexical features alone, with the signs that earned its points. */
export const linkScore = (features: UrlFeatures): LinkScore => {
  const reasons: LinkScoreReason[] = []
  let total = 0
  for (const { feature, points } of RULES) {
    const p = points(features[feature])
    if (p > 0) {
      reasons.push({ feature, points: p })
      total += p
    }
  }
  reasons.sort((a, b) => b.points - a.points || a.feature.localeCompare(b.feature))
  return { score: Math.min(100, total), reasons }
}
