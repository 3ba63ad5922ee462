import { REPORT_SEVERITIES } from '#shared/contract/intel.schemas'
import { TLP_LEVELS, type Tlp } from '#shared/domain/enums'
import { isReportSeverity, type ReportSeverity } from './report-draft'

/** What each TLP 2.0 level allows, in FIRST's words, shown as the option's tooltip. */
const TLP_MEANING: Record<Tlp, string> = {
  clear: 'Disclosure is not limited',
  green: 'Limited disclosure: the community',
  amber: 'Limited disclosure: the organisation and its clients, need to know',
  'amber+strict': 'Limited disclosure: the organisation only',
  red: 'For the eyes and ears of the individual recipients only',
}

export const tlpLabel = (t: Tlp): string => `TLP:${t.toUpperCase()}`

/**
 * The TLP 2.0 levels as a radio group, each label in its FIRST colours (coloured text on black), so the
 * classification is read at a glance and picked with the arrow keys like any radio group.
 */
export const TlpPicker = (props: {
  value: Tlp
  onChange: (t: Tlp) => void
  disabled?: boolean
}) => (
  <fieldset className="tlp-picker" data-testid="tlp-picker" data-value={props.value}>
    <legend>Classification</legend>
    {TLP_LEVELS.map((t) => (
      <label
        key={t}
        className={`tlp-option${props.value === t ? ' checked' : ''}`}
        title={TLP_MEANING[t]}
      >
        <input
          type="radio"
          name="report-tlp"
          value={t}
          checked={props.value === t}
          disabled={props.disabled}
          data-testid={`tlp-option-${t}`}
          onChange={() => props.onChange(t)}
        />
        <span className={`tlp tlp-${t.replace('+', '-')}`}>{tlpLabel(t)}</span>
      </label>
    ))}
  </fieldset>
)

const NONE = ''

export const SeverityPicker = (props: {
  value: ReportSeverity | null
  onChange: (s: ReportSeverity | null) => void
  disabled?: boolean
  id?: string
}) => (
  <select
    id={props.id}
    value={props.value ?? NONE}
    disabled={props.disabled}
    data-testid="report-severity"
    onChange={(e) => {
      const v = e.target.value
      props.onChange(isReportSeverity(v) ? v : null)
    }}
  >
    <option value={NONE}>Not set</option>
    {REPORT_SEVERITIES.map((s) => (
      <option key={s} value={s}>
        {s[0]?.toUpperCase()}
        {s.slice(1)}
      </option>
    ))}
  </select>
)
