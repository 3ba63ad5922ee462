import type { Classification, RiskLevel, Severity, Tlp } from '#shared/domain/enums'

export const SeverityBadge = (props: { value: Severity }) => (
  <span className={`badge sev-${props.value}`} data-testid="severity">
    {props.value}
  </span>
)

export const ClassificationBadge = (props: { value: Classification }) => (
  <span className={`cls cls-${props.value}`}>{props.value}</span>
)

/** TLP 2.0 labels as FIRST prints them: black background, coloured text. */
export const TlpBadge = (props: { value: Tlp }) => (
  <span className={`tlp tlp-${props.value.replace('+', '-')}`}>
    TLP:{props.value.toUpperCase()}
  </span>
)

export const ScoreMeter = (props: { score: number; risk: RiskLevel }) => (
  <span className="score" title={`Score ${props.score} (${props.risk} risk)`}>
    <span className="score-num">{props.score}</span>
    <span className="score-bar" aria-hidden="true">
      <span className={`score-fill risk-${props.risk}`} style={{ width: `${props.score}%` }} />
    </span>
  </span>
)

export const TagList = (props: { tags: string[]; max?: number }) => {
  const max = props.max ?? 3
  const shown = props.tags.slice(0, max)
  const more = props.tags.length - shown.length
  return (
    <span className="tags" title={props.tags.join(', ')}>
      {shown.map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      ))}
      {more > 0 ? <span className="tag tag-more">+{more}</span> : null}
    </span>
  )
}

export const StatusFlags = (props: {
  active: boolean
  falsePositive: boolean
  /** The decayed score reached the revoke threshold: kept, marked. */
  expired?: boolean
}) => (
  <span className="flags" data-testid="status">
    {props.expired ? (
      <span
        className="flag flag-expired"
        title="Expired: its score decayed to the revoke threshold"
        data-testid="flag-expired"
      >
        expired
      </span>
    ) : null}
    {props.falsePositive ? (
      <span className="flag flag-fp" title="False positive">
        FP
      </span>
    ) : null}
    <span className={props.active ? 'flag flag-active' : 'flag flag-inactive'}>
      {props.active ? 'active' : 'inactive'}
    </span>
  </span>
)
