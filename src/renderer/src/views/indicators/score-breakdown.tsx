import { useState } from 'react'
import type { ScoreTermName, Verdict } from '#shared/contract/scoring.schemas'
import { errorMessage } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { ScoreMeter } from '../../components/badges'
import { useContractQuery } from '../../hooks/use-contract-query'
import { formatDateTime } from './format'
import './score-breakdown.css'

/** The terms as an analyst names them. */
const TERM_LABELS: Record<ScoreTermName, string> = {
  source_reliability: 'Source reliability',
  sources: 'Independent sources',
  sightings: 'Sightings',
  source_confidence: 'Confidence',
  classification: 'Classification',
  threat_context: 'Threat type / malware',
  url_analysis: 'URL analysis',
  young_domain: 'Young domain',
  hosting_asn: 'Hosting ASN',
  provider_verdicts: 'Provider verdicts',
  warninglist: 'Warninglists',
  analyst_severity: 'Analyst severity',
  analyst_score: 'Analyst score',
  analyst_verdict: 'Analyst verdict',
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n))
const pointsClass = (n: number): string =>
  n > 0 ? 'score-points is-up' : n < 0 ? 'score-points is-down' : 'score-points is-zero'

/**
 * Why an indicator scores what it scores (indicators.getScore): each term with its points and why, what
 * decided the risk level, the decay clock, and the analyst's verdict buttons (indicators.setVerdict).
 * Term details come from feeds in part: rendered as text.
 */
export const ScoreBreakdownPanel = (props: { indicatorId: string }) => {
  const client = useClient()
  const { ui } = useServices()
  const [busy, setBusy] = useState(false)
  const { indicatorId } = props
  const { data, error, setData } = useContractQuery(
    'indicators.getScore',
    { id: indicatorId },
    indicatorId,
    [
      {
        event: 'indicators.onDidChange',
        // A deleted indicator is the detail panel's to report; asking for its score would only 404.
        when: (change) =>
          change.kind !== 'deleted' &&
          (change.kind === 'bulk' || !!change.ids?.includes(indicatorId)),
      },
    ],
  )

  const setVerdict = async (verdict: Verdict | null) => {
    setBusy(true)
    try {
      setData(await client.call('indicators.setVerdict', { id: indicatorId, verdict }))
      ui.getState().toast(
        'success',
        verdict === null
          ? 'Verdict cleared'
          : verdict === 'true_positive'
            ? 'Confirmed as a true positive'
            : 'Marked as false positive',
      )
    } catch (e) {
      ui.getState().toast('error', errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  if (error !== null) {
    return (
      <p className="detail-error" role="alert">
        {error}
      </p>
    )
  }
  if (data === null) return null
  return (
    <section
      className="observations score-breakdown"
      aria-labelledby={`score-${indicatorId}`}
      data-testid="score-breakdown"
    >
      <h3 id={`score-${indicatorId}`} className="observations-title">
        Score{' '}
        <span className="muted">
          base {data.baseScore}, now {data.score}
        </span>
      </h3>
      <div className="score-summary">
        <ScoreMeter score={data.score} risk={data.riskLevel} />
        <span data-testid="score-risk" data-decided-by={data.riskDecidedBy}>
          {data.riskReason}
        </span>
        {data.expired ? (
          <span className="flag flag-expired" data-testid="score-expired">
            expired
          </span>
        ) : null}
      </div>
      <table className="score-terms">
        <tbody>
          {data.terms.map((t) => (
            <tr key={t.term} data-testid="score-term" data-term={t.term}>
              <td className="score-term-name">{TERM_LABELS[t.term]}</td>
              <td className={pointsClass(t.points)} data-testid="score-term-points">
                {signed(t.points)}
              </td>
              <td className="muted">{t.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="score-decay">
        <div className="observation-field">
          <dt>Decay clock from</dt>
          <dd data-testid="score-decay-from">{formatDateTime(data.decayFrom)}</dd>
        </div>
        <div className="observation-field">
          <dt>{data.expired ? 'Expired' : 'Expires'}</dt>
          <dd data-testid="score-expires">
            {data.expiresAt === null ? 'never' : formatDateTime(data.expiresAt)}
          </dd>
        </div>
        <div className="observation-field">
          <dt>Lifetime / speed</dt>
          <dd>
            {data.decay.lifetimeDays} days / {data.decay.speed}, revoked at {data.decay.revokeScore}
          </dd>
        </div>
        <div className="observation-field">
          <dt>Verdict</dt>
          <dd data-testid="score-verdict">
            {data.verdict === null
              ? 'none'
              : `${data.verdict === 'true_positive' ? 'true positive' : 'false positive'} (${formatDateTime(data.verdictAt)})`}
          </dd>
        </div>
      </dl>
      <div className="score-verdict">
        <button
          type="button"
          className="button"
          disabled={busy || data.verdict === 'true_positive'}
          aria-pressed={data.verdict === 'true_positive'}
          data-testid="verdict-tp"
          onClick={() => void setVerdict('true_positive')}
        >
          True positive
        </button>
        <button
          type="button"
          className="button"
          disabled={busy || data.verdict === 'false_positive'}
          aria-pressed={data.verdict === 'false_positive'}
          data-testid="verdict-fp"
          onClick={() => void setVerdict('false_positive')}
        >
          False positive
        </button>
        {data.verdict !== null ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            data-testid="verdict-clear"
            onClick={() => void setVerdict(null)}
          >
            Clear verdict
          </button>
        ) : null}
      </div>
    </section>
  )
}
