import type { Feed } from '#shared/contract/feeds.contract'
import { Field } from '../indicators/indicator-edit-form'
import type { AuthChoice, FeedDraft, FieldErrors } from './feed-form-model'

const AUTH_LABELS: Record<Exclude<AuthChoice, 'keep'>, string> = {
  none: 'None',
  header: 'API key in a header',
  basic: 'Basic auth (user + password)',
  url: 'API key in the URL ({authKey})',
}

/** Credentials are write-only: an existing secret is only ever "configured", never shown or prefilled. */
export const AuthFields = (props: {
  draft: FeedDraft
  errors: FieldErrors
  editing: Feed | null
  change: <K extends keyof FeedDraft>(key: K, value: FeedDraft[K]) => void
}) => {
  const { draft, errors, editing, change } = props
  const choices: AuthChoice[] = editing?.hasAuth
    ? ['keep', 'none', 'header', 'basic', 'url']
    : ['none', 'header', 'basic', 'url']
  return (
    <>
      <Field label="Authentication" error={errors.auth} wide testId="feed-auth">
        {(id, d) => (
          <select
            id={id}
            value={draft.auth}
            aria-describedby={d}
            data-testid="feed-auth"
            onChange={(e) =>
              change('auth', choices.find((c) => c === e.target.value) ?? draft.auth)
            }
          >
            {choices.map((c) => (
              <option key={c} value={c}>
                {c === 'keep'
                  ? `Keep the configured credentials (${editing ? AUTH_LABELS[editing.authKind] : ''})`
                  : c === 'none' && editing?.hasAuth
                    ? 'None (remove the stored credentials)'
                    : AUTH_LABELS[c]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {draft.auth === 'header' ? (
        <>
          <Field label="Header name" error={errors['auth.name']} testId="feed-auth-header">
            {(id, d) => (
              <input
                id={id}
                className="mono"
                value={draft.headerName}
                aria-invalid={!!errors['auth.name']}
                aria-describedby={d}
                data-testid="feed-auth-header"
                onChange={(e) => change('headerName', e.target.value)}
              />
            )}
          </Field>
          <SecretField
            label="API key"
            error={errors['auth.value']}
            value={draft.headerValue}
            testId="feed-auth-key"
            onChange={(v) => change('headerValue', v)}
          />
        </>
      ) : null}
      {draft.auth === 'basic' ? (
        <>
          <Field label="User name" error={errors['auth.username']} testId="feed-auth-user">
            {(id, d) => (
              <input
                id={id}
                value={draft.username}
                autoComplete="off"
                aria-invalid={!!errors['auth.username']}
                aria-describedby={d}
                data-testid="feed-auth-user"
                onChange={(e) => change('username', e.target.value)}
              />
            )}
          </Field>
          <SecretField
            label="Password"
            error={errors['auth.password']}
            value={draft.password}
            testId="feed-auth-password"
            onChange={(v) => change('password', v)}
          />
        </>
      ) : null}
      {draft.auth === 'url' ? (
        <SecretField
          label="API key (replaces {authKey} in the URL)"
          error={errors['auth.value']}
          value={draft.urlKey}
          testId="feed-auth-key"
          onChange={(v) => change('urlKey', v)}
        />
      ) : null}
    </>
  )
}

export const SecretField = (props: {
  label: string
  value: string
  error?: string
  testId: string
  autoFocus?: boolean
  onChange: (v: string) => void
}) => (
  <Field label={props.label} error={props.error} testId={props.testId}>
    {(id, d) => (
      <input
        id={id}
        type="password"
        value={props.value}
        autoComplete="new-password"
        spellCheck={false}
        data-autofocus={props.autoFocus ? true : undefined}
        aria-invalid={!!props.error}
        aria-describedby={d}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)}
      />
    )}
  </Field>
)
