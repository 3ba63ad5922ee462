import { useEffect, useState } from 'react'
import type { Indicator } from '#shared/contract/indicators.contract'
import type { Incident } from '#shared/contract/incidents.contract'
import type { RelatedGroup, TriageItem } from '#shared/contract/triage.contract'
import { errorMessage } from '../../api/client'
import { useClient } from '../../app-context'
import { FeatureContributions } from '../../components/url-verdict'

type Loaded = {
  indicator: Indicator | null
  incident: Incident | null
  related: RelatedGroup[]
  error: string | null
}

const RELATED_LABEL: Record<RelatedGroup['kind'], string> = {
  run: 'Same import run',
  tag: 'Same tag',
  malware: 'Same malware',
  event: 'Same event',
}

/** Scalar entries of an incident's details (the analysis that opened it), as text, never HTML. */
const detailEntries = (d: Record<string, unknown>): [string, string][] =>
  Object.entries(d)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 20)
    .map(([k, v]) => [k, String(v).slice(0, 300)])

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * The URL analysis behind an incident that analysis opened (details.analysis): the verdict, what triggered it
 * and the model's probability, as label and text pairs. Empty for incidents opened otherwise.
 */
const urlAnalysisOf = (d: Record<string, unknown>): [string, string][] => {
  const a = d.analysis
  if (!isRecord(a)) return []
  const out: [string, string][] = []
  if (typeof a.verdict === 'string') out.push(['Verdict', a.verdict])
  if (typeof a.severity === 'number') out.push(['Severity', String(a.severity)])
  if (typeof a.linkScore === 'number') out.push(['Link score', a.linkScore.toFixed(2)])
  if (isRecord(a.model)) {
    const m = a.model
    const name = [m.name, m.version].filter((x) => typeof x === 'string').join(' ')
    const p =
      typeof m.probability === 'number' ? `, phishing probability ${m.probability.toFixed(3)}` : ''
    if (name !== '' || p !== '') out.push(['Model', `${name}${p}`])
  }
  if (Array.isArray(a.sources)) {
    const triggered = a.sources
      .map((x: unknown) => (isRecord(x) && typeof x.source === 'string' ? x.source : null))
      .filter((x): x is string => x !== null)
    if (triggered.length > 0) out.push(['Triggered by', triggered.join(', ')])
  }
  return out.slice(0, 12).map(([k, v]) => [k, v.slice(0, 300)])
}

type Contribution = { name: string; value: number; contribution: number }

/** The model's top feature contributions kept in details.analysis, checked field by field (stored JSON). */
const contributionsOf = (d: Record<string, unknown>): Contribution[] => {
  const a = d.analysis
  if (!isRecord(a) || !Array.isArray(a.topContributions)) return []
  return a.topContributions
    .filter(
      (c: unknown): c is Contribution =>
        isRecord(c) &&
        typeof c.name === 'string' &&
        typeof c.value === 'number' &&
        typeof c.contribution === 'number',
    )
    .slice(0, 12)
}

/**
 * The focused item in full: its fields and sources, its indicator's score and risk, the URL analysis'
 * explanation when there is one, and the indicators related to it.
 */
export const TriageDetail = (props: { item: TriageItem; onClose: () => void }) => {
  const client = useClient()
  const { item } = props
  // Keyed by the item (and its version), so a new item shows "Loading…" until its own answer arrives.
  const key = `${item.kind}:${item.id}:${item.status}:${item.assignee ?? ''}`
  const [answer, setAnswer] = useState<{ key: string; loaded: Loaded } | null>(null)
  const loaded = answer?.key === key ? answer.loaded : null
  useEffect(() => {
    let live = true
    const setLoaded = (l: Loaded) => {
      if (live) setAnswer({ key, loaded: l })
    }
    const load = async (): Promise<Loaded> => {
      const indicator =
        item.indicatorId === null
          ? null
          : await client.call('indicators.get', { id: item.indicatorId })
      const incident =
        item.kind === 'incident' ? await client.call('incidents.get', { id: item.id }) : null
      const related =
        item.indicatorId === null
          ? []
          : (await client.call('indicators.related', { id: item.indicatorId })).groups
      return { indicator, incident, related, error: null }
    }
    load().then(setLoaded, (e: unknown) =>
      setLoaded({ indicator: null, incident: null, related: [], error: errorMessage(e) }),
    )
    return () => {
      live = false
    }
  }, [client, item, key])

  const analysis = loaded?.incident ? urlAnalysisOf(loaded.incident.details) : []
  const contributions = loaded?.incident ? contributionsOf(loaded.incident.details) : []
  return (
    <aside className="triage-detail" aria-label="Detail" data-testid="triage-detail">
      <header>
        <h2>{item.title}</h2>
        <button type="button" className="button" onClick={props.onClose} aria-label="Close">
          esc
        </button>
      </header>
      <dl className="triage-fields">
        <dt>Kind</dt>
        <dd>{item.kind}</dd>
        <dt>Status</dt>
        <dd data-testid="triage-detail-status">{item.status}</dd>
        <dt>Severity</dt>
        <dd>{item.severity}</dd>
        <dt>Value</dt>
        <dd className="mono">{item.value ?? '–'}</dd>
        <dt>Assignee</dt>
        <dd>{item.assignee ?? '–'}</dd>
        <dt>Tags</dt>
        <dd>{item.tags.join(', ') || '–'}</dd>
      </dl>
      <h3>Sources</h3>
      <ul className="triage-sources" data-testid="triage-detail-sources">
        {item.sources.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      {loaded === null ? <p className="muted">Loading…</p> : null}
      {loaded?.error ? <p className="error">{loaded.error}</p> : null}
      {loaded?.indicator ? (
        <section data-testid="triage-score">
          <h3>Score</h3>
          <dl className="triage-fields">
            <dt>Score</dt>
            <dd data-testid="triage-score-value">{loaded.indicator.score}</dd>
            <dt>Risk</dt>
            <dd>{loaded.indicator.riskLevel}</dd>
            <dt>Severity</dt>
            <dd>{loaded.indicator.severity}</dd>
            <dt>Confidence</dt>
            <dd>{loaded.indicator.confidence}</dd>
            <dt>Sources</dt>
            <dd>
              {loaded.indicator.sourceCount} ({loaded.indicator.sightingCount} sightings)
            </dd>
            <dt>Verdict</dt>
            <dd data-testid="triage-verdict">
              {loaded.indicator.falsePositive ? 'false positive' : 'not marked'}
            </dd>
          </dl>
        </section>
      ) : null}
      {analysis.length > 0 ? (
        <section data-testid="triage-url-analysis">
          <h3>URL analysis</h3>
          <dl className="triage-fields">
            {analysis.map(([k, v]) => (
              <FieldPair key={k} name={k} value={v} />
            ))}
          </dl>
          {contributions.length > 0 ? <FeatureContributions items={contributions} /> : null}
        </section>
      ) : null}
      {loaded?.incident ? (
        <section>
          <h3>Incident</h3>
          <dl className="triage-fields">
            <dt>Occurrences</dt>
            <dd>{loaded.incident.occurrences}</dd>
            <dt>First seen</dt>
            <dd>{loaded.incident.firstSeen}</dd>
            {detailEntries(loaded.incident.details).map(([k, v]) => (
              <FieldPair key={k} name={k} value={v} />
            ))}
          </dl>
        </section>
      ) : null}
      {loaded && loaded.related.length > 0 ? (
        <section data-testid="triage-related">
          <h3>Related indicators</h3>
          {loaded.related.map((g) => (
            <div key={`${g.kind}:${g.key}`} className="triage-related-group">
              <h4>
                {RELATED_LABEL[g.kind]}: {g.key}
              </h4>
              <ul>
                {g.items.map((i) => (
                  <li key={i.id} className="mono">
                    {i.type} {i.value} ({i.score})
                  </li>
                ))}
                {g.more ? <li className="muted">and more</li> : null}
              </ul>
            </div>
          ))}
        </section>
      ) : null}
    </aside>
  )
}

const FieldPair = (props: { name: string; value: string }) => (
  <>
    <dt>{props.name}</dt>
    <dd>{props.value}</dd>
  </>
)
