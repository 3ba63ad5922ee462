// The seed's severity rule for an analysed URL, as a pure function: the inputs that come from the
// database and the warninglists are parameters, so the rule is tested alone and wired in later.

/** A link score counts towards severity only from here up (the seed's rule). */
export const LINK_SCORE_THRESHOLD = 25

export type SeveritySource = 'database' | 'link_score' | 'model'

export type UrlSeverityInputs = {
  /** A known-bad match in the local database: the matching indicator's severity, 0-100. */
  databaseMatch: { severity: number; reference: string } | null
  /** The URL's host on a known-benign warninglist. */
  warninglistHit: { list: string } | null
  /** 0-100, from linkScore(). */
  linkScore: number
  /** The model's verdict, when a model ran. */
  model: { label: 'phishing' | 'benign'; probability: number } | null
}

export type UrlSeverity = {
  /** 0-100: the largest term that triggered, 0 when none did. */
  severity: number
  /** Every source that triggered, largest term first. */
  sources: { source: SeveritySource; severity: number }[]
  /** Set when a warninglist hit removed the heuristic and model terms. */
  suppressedBy: string | null
}

const clamp = (n: number): number => Math.max(0, Math.min(100, Math.round(n)))

/**
 * max(database severity if a known-bad match, link score if >= 25, model probability x 100 if phishing is
 * predicted). A warninglist hit drops the link-score and model terms, which are guesses from the URL's
 * shape, but never a database match: someone recorded that URL as bad, and a benign list that covers a
 * whole host (a hosting platform, a shortener) does not unsay it.
 */
export const urlSeverity = (inputs: UrlSeverityInputs): UrlSeverity => {
  const sources: UrlSeverity['sources'] = []
  if (inputs.databaseMatch) {
    sources.push({ source: 'database', severity: clamp(inputs.databaseMatch.severity) })
  }
  const suppressed = inputs.warninglistHit !== null
  if (!suppressed && inputs.linkScore >= LINK_SCORE_THRESHOLD) {
    sources.push({ source: 'link_score', severity: clamp(inputs.linkScore) })
  }
  if (!suppressed && inputs.model?.label === 'phishing') {
    sources.push({ source: 'model', severity: clamp(inputs.model.probability * 100) })
  }
  sources.sort((a, b) => b.severity - a.severity)
  return {
    severity: sources.length === 0 ? 0 : sources[0].severity,
    sources,
    suppressedBy: inputs.warninglistHit ? `warninglist:${inputs.warninglistHit.list}` : null,
  }
}
