import { useCallback, useEffect, useState } from 'react'
import { describeAlertCondition } from '#shared/alert-text'
import type { In } from '#shared/contract'
import {
  ALERT_RULE_KINDS,
  ENRICHMENT_VERDICT_LEVELS,
  type AlertCondition,
  type AlertRule,
  type AlertRuleKind,
} from '#shared/contract/alerts.contract'
import type { Project } from '#shared/contract/projects.contract'
import { SEVERITIES, type Severity } from '#shared/domain/enums'
import { errorMessage, issuesOf } from '../../api/client'
import { useClient } from '../../app-context'
import { EnumSelect } from '../../components/enum-select'

const KIND_LABELS: Readonly<Record<AlertRuleKind, string>> = {
  score: 'Score at least',
  severity: 'Severity at least',
  tag: 'Carries a tag',
  malware: 'Malware family',
  project: 'In a project',
  warninglist_miss: 'New, on no warninglist',
  enrichment_verdict: 'An enrichment provider judges it',
}

type Draft = {
  name: string
  kind: AlertRuleKind
  minScore: string
  minSeverity: Severity
  minLevel: (typeof ENRICHMENT_VERDICT_LEVELS)[number]
  text: string
  projectId: string
  suppressWarninglisted: boolean
  openIncident: boolean
  alertSeverity: string
}

const EMPTY: Draft = {
  name: '',
  kind: 'score',
  minScore: '80',
  minSeverity: 'high',
  minLevel: 'malicious',
  text: '',
  projectId: '',
  suppressWarninglisted: true,
  openIncident: false,
  alertSeverity: '',
}

/**
 * The condition as the contract takes it. Numbers the user typed go as they are (a non-number as NaN), so
 * the contract's error names the field instead of this form guessing.
 */
const conditionOf = (d: Draft): AlertCondition => {
  switch (d.kind) {
    case 'score':
      return { kind: 'score', minScore: Number(d.minScore) }
    case 'severity':
      return { kind: 'severity', minSeverity: d.minSeverity }
    case 'tag':
      return { kind: 'tag', tag: d.text }
    case 'malware':
      return { kind: 'malware', malware: d.text }
    case 'project':
      return { kind: 'project', projectId: d.projectId }
    case 'warninglist_miss':
      return { kind: 'warninglist_miss' }
    case 'enrichment_verdict':
      return { kind: 'enrichment_verdict', minLevel: d.minLevel, minProviders: 1 }
  }
}

/** A rule's condition in words, naming its project rather than the project's id. */
const conditionText = (c: AlertCondition, projects: readonly Project[]): string =>
  c.kind === 'project'
    ? `project ${projects.find((p) => p.id === c.projectId)?.name ?? c.projectId}`
    : describeAlertCondition(c)

/** The issue messages by field, worded for this form (`condition.minScore` -> the value box). */
const formErrors = (e: unknown): { fields: Record<string, string>; message: string } => {
  const issues = issuesOf(e)
  const fields: Record<string, string> = {}
  for (const [path, message] of Object.entries(issues)) {
    const field = path.startsWith('condition.') ? 'condition' : path
    fields[field] ??= message
  }
  return { fields, message: Object.keys(fields).length > 0 ? '' : errorMessage(e) }
}

/** Alert rules: what raises an alert when indicators come in or change. Each change is one contract call. */
export const AlertRulesSection = () => {
  const client = useClient()
  const [rules, setRules] = useState<AlertRule[] | null>(null)
  const [projects, setProjects] = useState<Project[]>([])
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const [errors, setErrors] = useState<{ fields: Record<string, string>; message: string }>({
    fields: {},
    message: '',
  })
  const [busy, setBusy] = useState(false)

  const reload = useCallback(async () => {
    try {
      setRules((await client.call('alerts.listRules', {})).items)
    } catch (e) {
      setErrors({ fields: {}, message: errorMessage(e) })
    }
  }, [client])

  useEffect(() => {
    let live = true
    Promise.all([
      client.call('alerts.listRules', {}),
      client.call('projects.list', { includeArchived: false }),
    ]).then(
      ([r, p]) => {
        if (!live) return
        setRules(r.items)
        setProjects(p.items)
      },
      (e: unknown) => live && setErrors({ fields: {}, message: errorMessage(e) }),
    )
    return () => {
      live = false
    }
  }, [client])

  const act = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true)
    try {
      await fn()
      setErrors({ fields: {}, message: '' })
      await reload()
      return true
    } catch (e) {
      setErrors(formErrors(e))
      return false
    } finally {
      setBusy(false)
    }
  }

  const add = async () => {
    const input: In<'alerts.createRule'> = {
      name: draft.name,
      condition: conditionOf(draft),
      suppressWarninglisted: draft.suppressWarninglisted,
      openIncident: draft.openIncident,
      alertSeverity: draft.alertSeverity.trim() === '' ? null : Number(draft.alertSeverity),
    }
    if (await act(() => client.call('alerts.createRule', input))) setDraft(EMPTY)
  }
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }))
  const fieldError = (f: string) =>
    errors.fields[f] ? (
      <span className="field-error" role="alert" data-testid={`alert-rule-error-${f}`}>
        {errors.fields[f]}
      </span>
    ) : null

  return (
    <section
      className="settings-section"
      aria-labelledby="settings-alert-rules"
      data-testid="settings-alert-rules"
      data-state={rules === null ? 'loading' : 'ready'}
    >
      <h2 id="settings-alert-rules">Alert rules</h2>
      <p className="muted">
        Rules are checked whenever indicators are imported, created or changed. A rule raises one
        alert per indicator; while it is open, a new match counts on it instead of adding another.
      </p>
      {rules !== null && rules.length === 0 ? (
        <p className="muted" data-testid="alert-rules-empty">
          No rule yet.
        </p>
      ) : (
        <ul className="alert-rules" data-testid="alert-rules-list">
          {(rules ?? []).map((r) => (
            <li key={r.id} data-testid="alert-rule">
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={r.enabled}
                  disabled={busy}
                  aria-label={`${r.name} enabled`}
                  data-testid="alert-rule-enabled"
                  onChange={(e) =>
                    void act(() =>
                      client.call('alerts.updateRule', {
                        id: r.id,
                        patch: { enabled: e.target.checked },
                      }),
                    )
                  }
                />
                <strong data-testid="alert-rule-name">{r.name}</strong>
              </label>
              <span className="muted" data-testid="alert-rule-condition">
                {conditionText(r.condition, projects)}
                {r.suppressWarninglisted ? '' : ', warninglisted too'}
                {r.openIncident ? ', opens an incident' : ''}
                {r.alertSeverity === null ? '' : `, severity ${r.alertSeverity}`}
              </span>
              <button
                type="button"
                className="button button-small button-danger-quiet"
                disabled={busy}
                aria-label={`Delete rule ${r.name}`}
                data-testid="alert-rule-delete"
                onClick={() => void act(() => client.call('alerts.deleteRule', { id: r.id }))}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="alert-rule-form"
        data-testid="alert-rule-form"
        onSubmit={(e) => {
          e.preventDefault()
          void add()
        }}
      >
        <div className="form-grid settings-grid">
          <div className="field">
            <label htmlFor="alert-rule-name">Name</label>
            <input
              id="alert-rule-name"
              value={draft.name}
              maxLength={200}
              data-testid="alert-rule-name-input"
              onChange={(e) => set({ name: e.target.value })}
            />
            {fieldError('name')}
          </div>
          <div className="field">
            <label htmlFor="alert-rule-kind">When an indicator</label>
            <EnumSelect
              id="alert-rule-kind"
              options={ALERT_RULE_KINDS}
              value={draft.kind}
              label={(k) => KIND_LABELS[k]}
              data-testid="alert-rule-kind"
              onChange={(kind) => set({ kind })}
            />
          </div>
          <div className="field">
            <ConditionInput draft={draft} projects={projects} set={set} />
            {fieldError('condition')}
          </div>
          <div className="field">
            <label htmlFor="alert-rule-severity">Alert severity (0-100, optional)</label>
            <input
              id="alert-rule-severity"
              inputMode="numeric"
              placeholder="the indicator's"
              value={draft.alertSeverity}
              data-testid="alert-rule-severity"
              onChange={(e) => set({ alertSeverity: e.target.value })}
            />
            {fieldError('alertSeverity')}
          </div>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.suppressWarninglisted}
            data-testid="alert-rule-suppress"
            onChange={(e) => set({ suppressWarninglisted: e.target.checked })}
          />
          Not for indicators a warninglist matched (known-benign)
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.openIncident}
            data-testid="alert-rule-open-incident"
            onChange={(e) => set({ openIncident: e.target.checked })}
          />
          Also open an incident (or count one more occurrence of the open one)
        </label>
        {errors.message ? (
          <p className="form-error" role="alert" data-testid="alert-rules-error">
            {errors.message}
          </p>
        ) : null}
        <div className="form-actions settings-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={busy}
            data-testid="alert-rule-add"
          >
            Add rule
          </button>
        </div>
      </form>
    </section>
  )
}

/** The one value a kind needs, or a note when it needs none. */
const ConditionInput = (props: {
  draft: Draft
  projects: readonly Project[]
  set: (patch: Partial<Draft>) => void
}) => {
  const { draft, set } = props
  switch (draft.kind) {
    case 'score':
      return (
        <>
          <label htmlFor="alert-rule-value">Score (0-100)</label>
          <input
            id="alert-rule-value"
            inputMode="numeric"
            value={draft.minScore}
            data-testid="alert-rule-value"
            onChange={(e) => set({ minScore: e.target.value })}
          />
        </>
      )
    case 'severity':
      return (
        <>
          <label htmlFor="alert-rule-value">Severity</label>
          <EnumSelect
            id="alert-rule-value"
            options={SEVERITIES}
            value={draft.minSeverity}
            data-testid="alert-rule-value"
            onChange={(minSeverity) => set({ minSeverity })}
          />
        </>
      )
    case 'tag':
    case 'malware':
      return (
        <>
          <label htmlFor="alert-rule-value">
            {draft.kind === 'tag' ? 'Tag' : 'Malware family'}
          </label>
          <input
            id="alert-rule-value"
            value={draft.text}
            maxLength={200}
            data-testid="alert-rule-value"
            onChange={(e) => set({ text: e.target.value })}
          />
        </>
      )
    case 'project':
      return (
        <>
          <label htmlFor="alert-rule-value">Project</label>
          <select
            id="alert-rule-value"
            value={draft.projectId}
            data-testid="alert-rule-value"
            onChange={(e) => set({ projectId: e.target.value })}
          >
            <option value="">Pick a project</option>
            {props.projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </>
      )
    case 'warninglist_miss':
      return <p className="muted">Seen for the first time and on no known-benign list.</p>
    case 'enrichment_verdict':
      return (
        <>
          <label htmlFor="alert-rule-value">VirusTotal, AbuseIPDB, OTX or Shodan calls it</label>
          <EnumSelect
            id="alert-rule-value"
            options={ENRICHMENT_VERDICT_LEVELS}
            value={draft.minLevel}
            label={(l) => (l === 'suspicious' ? 'suspicious or malicious' : 'malicious')}
            data-testid="alert-rule-value"
            onChange={(minLevel) => set({ minLevel })}
          />
        </>
      )
  }
}
