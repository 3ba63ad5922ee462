import { randomUUID } from 'node:crypto'
import { AppError, isAppError } from '#shared/contract/errors'
import type { UrlVerdict } from '#shared/contract/analysis.contract'
import { refang } from '#shared/domain'
import type { IncidentCreate } from '#shared/contract/incidents.contract'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { canonicalIncidentUrl } from '../incidents/incident-row'
import type { IncidentsService, TrackResult } from '../incidents/incidents.service'
import { analyzeUrl, loadShippedUrlModel, type UrlAnalysis } from './url/analyze-url'
import type { UrlModel } from './url/url-model'
import { urlSeverity, type UrlSeverity } from './url/url-severity'
import {
  createIndicatorMatcher,
  databaseSeverity,
  lookupKeys,
  type LookupKey,
  type UrlMatch,
  type WarninglistLookup,
  type WarninglistLookupHit,
} from './url-lookups'

export type AnalyzeUrlInput = { url: string; top: number; tags: string[] }

const INSERT_PREDICTION_SQL = `INSERT INTO ml_predictions (id, model_name, model_version, predicted_class,
  probabilities, anomaly_score, top_features, input, indicator_id, incident_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const SET_URL_SCORE_SQL = 'UPDATE indicators SET url_score = ? WHERE id = ?'

/**
 * The engine's verdict on a URL as analysts paste it (defanged or not: `hxxp://evil[.]com`), its errors said
 * about the request's `url` field.
 */
const analyse = (url: string, model: UrlModel, top: number): UrlAnalysis => {
  try {
    return analyzeUrl(refang(url), { model, top })
  } catch (e) {
    if (isAppError(e)) {
      throw new AppError(e.code, `url: ${e.message.replace(/^url:?\s+/, '')}`, { field: 'url' })
    }
    throw e
  }
}

const verdictOf = (s: UrlSeverity): UrlVerdict['verdict'] => {
  if (s.sources.some((x) => x.source === 'database' || x.source === 'model')) return 'malicious'
  return s.sources.length > 0 ? 'suspicious' : 'benign'
}

/** One line an analyst can read in a list: what triggered, most severe first. */
const summaryOf = (a: UrlAnalysis, s: UrlSeverity, matches: readonly UrlMatch[]): string => {
  const parts = s.sources.map(({ source, severity }) => {
    if (source === 'database') {
      const m = matches.find((x) => x.knownBad)
      return `known ${m?.classification ?? 'bad'} in the local database (${m?.on ?? 'url'} ${m?.value ?? ''}, ${severity})`
    }
    if (source === 'model') {
      return `model predicts phishing (p=${a.prediction.probability.toFixed(2)})`
    }
    const why = a.linkScore.reasons.slice(0, 3).map((r) => r.feature)
    return `link score ${severity} (${why.join(', ')})`
  })
  return `URL analysis: ${parts.join('; ')}`
}

type Terms = {
  analysis: UrlAnalysis
  url: string
  severity: UrlSeverity
  matches: UrlMatch[]
  hits: WarninglistLookupHit[]
  predictionId: string
  now: string
}

/** The incident a threat opens, or the occurrence it adds: what triggered, and the analysis behind it. */
const incidentReport = (
  t: Terms,
  urlIndicator: UrlMatch | null,
  tags: string[],
): IncidentCreate => ({
  url: t.url,
  indicatorId: urlIndicator?.indicatorId,
  sources: t.severity.sources.map((x) => x.source),
  severity: t.severity.severity,
  summary: summaryOf(t.analysis, t.severity, t.matches),
  details: {
    analysis: {
      predictionId: t.predictionId,
      verdict: verdictOf(t.severity),
      severity: t.severity.severity,
      sources: t.severity.sources,
      linkScore: t.analysis.linkScore,
      model: { ...t.analysis.prediction.model, probability: t.analysis.prediction.probability },
      // What the triage detail explains the verdict with, without another call.
      topContributions: t.analysis.prediction.topContributions.slice(0, 8),
      matches: t.matches.map((m) => m.indicatorId),
      at: t.now,
    },
  },
  tags: ['url-analysis', ...tags],
  status: 'open',
  assignee: null,
  projectId: null,
})

const toVerdict = (t: Terms, track: TrackResult | null): UrlVerdict => {
  const { analysis: a, severity } = t
  return {
    url: t.url,
    verdict: verdictOf(severity),
    isThreat: severity.sources.length > 0,
    severity: severity.severity,
    sources: severity.sources,
    suppressedBy: severity.suppressedBy,
    linkScore: a.linkScore,
    model: {
      ...a.prediction.model,
      label: a.prediction.label,
      probability: a.prediction.probability,
      logit: a.prediction.logit,
    },
    topContributions: a.prediction.topContributions,
    facts: {
      host: a.facts.host,
      registeredDomain: a.facts.registeredDomain,
      tld: a.facts.tld,
      brand: a.facts.brand,
      brandsInSubdomain: a.facts.brandsInSubdomain,
      suspiciousWords: a.facts.suspiciousWords,
    },
    matches: t.matches,
    warninglists: t.hits,
    predictionId: t.predictionId,
    trackingRecord: track?.incident ?? null,
    analyzedAt: t.now,
  }
}

/**
 * URL analysis wired to the database: the engine's verdict (src/main/core/analysis/url), the URL's matches
 * among the local indicators and on the known-benign lists, the seed's severity rule over them; the
 * verdict is stored as an ml_predictions row, the URL's indicator (if it is one) gets its url_score, and a
 * threat opens an incident or counts one more occurrence on it, all in one transaction.
 */
export const createAnalysisService = (
  ctx: CoreContext,
  deps: { incidents: IncidentsService; warninglists: WarninglistLookup; model?: UrlModel },
) => {
  const model = deps.model ?? loadShippedUrlModel()
  const matchIndicators = createIndicatorMatcher(ctx.db.sqlite)
  const insertPrediction = ctx.db.sqlite.prepare(INSERT_PREDICTION_SQL)
  const setUrlScore = ctx.db.sqlite.prepare(SET_URL_SCORE_SQL)

  const storePrediction = (t: Terms, indicatorId: string | null, incidentId: string | null) => {
    const p = t.analysis.prediction
    const topFeatures = p.topContributions.map((c) => ({
      name: c.name,
      value: c.value,
      contribution: c.contribution,
    }))
    insertPrediction.run(
      t.predictionId,
      p.model.name,
      p.model.version,
      p.label,
      JSON.stringify({ phishing: p.probability, benign: 1 - p.probability }),
      t.analysis.linkScore.score / 100,
      JSON.stringify(topFeatures),
      t.url,
      indicatorId,
      incidentId,
      t.now,
    )
  }

  /** Everything the verdict writes; the caller holds the write queue and a transaction. */
  const record = (
    input: AnalyzeUrlInput,
    a: UrlAnalysis,
    url: string,
    keys: LookupKey[],
    hits: WarninglistLookupHit[],
    by: ChangeCaller,
  ) => {
    const common = {
      warninglistHit: hits[0] === undefined ? null : { list: hits[0].list },
      linkScore: a.linkScore.score,
      model: { label: a.prediction.label, probability: a.prediction.probability },
    }
    // Read inside the write job: an indicator created a moment ago is seen.
    const matches = matchIndicators(keys)
    const terms: Terms = {
      analysis: a,
      url,
      severity: urlSeverity({ ...common, databaseMatch: databaseSeverity(matches) }),
      matches,
      hits,
      predictionId: randomUUID(),
      now: ctx.clock.now().toISOString(),
    }
    const urlIndicator = matches.find((m) => m.on === 'url') ?? null
    const track =
      terms.severity.sources.length > 0
        ? deps.incidents.trackInTransaction(incidentReport(terms, urlIndicator, input.tags), by)
        : null
    storePrediction(terms, urlIndicator?.indicatorId ?? null, track?.incident.id ?? null)
    ctx.changes.record(by, {
      entity: 'url_analysis',
      entityId: terms.predictionId,
      operation: 'create',
      changes: {
        url,
        label: a.prediction.label,
        severity: terms.severity.severity,
        incidentId: track?.incident.id ?? null,
      },
    })
    if (urlIndicator !== null) {
      // What the URL itself says, without the indicator's own severity: scoring reads it as a term.
      const urlScore = urlSeverity({ ...common, databaseMatch: null }).severity
      setUrlScore.run(urlScore, urlIndicator.indicatorId)
      ctx.changes.record(by, {
        entity: 'indicator',
        entityId: urlIndicator.indicatorId,
        operation: 'update',
        changes: { urlScore, predictionId: terms.predictionId },
      })
    }
    return { verdict: toVerdict(terms, track), track, urlIndicator }
  }

  return {
    analyzeUrl: async (input: AnalyzeUrlInput, by: ChangeCaller): Promise<UrlVerdict> => {
      const a = analyse(input.url, model, input.top)
      const url = canonicalIncidentUrl(a.facts.url)
      const keys = lookupKeys(url, a.facts)
      const hits = await deps.warninglists(keys)
      const { verdict, track, urlIndicator } = await ctx.db.writes.run('analysis.analyzeUrl', () =>
        ctx.db.sqlite.transaction(() => record(input, a, url, keys, hits, by))(),
      )
      if (track !== null) deps.incidents.announce(track)
      if (urlIndicator !== null) {
        ctx.events.emit('indicators.onDidChange', {
          kind: 'updated',
          ids: [urlIndicator.indicatorId],
        })
      }
      return verdict
    },
  }
}
export type AnalysisService = ReturnType<typeof createAnalysisService>
