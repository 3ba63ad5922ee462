import { useState } from 'react'
import type { Project } from '#shared/contract/projects.contract'
import { useClient } from '../../app-context'
import { errorMessage } from '../../api/client'
import { Modal } from '../../components/modal'
import { draftOf, parseTags, type ProjectDraft } from './projects-model'

/** Name, description and tags: the fields a project is created with and edited by. */
export const ProjectFields = (props: {
  draft: ProjectDraft
  onChange: (d: ProjectDraft) => void
  autoFocus?: boolean
}) => {
  const { draft, onChange } = props
  return (
    <div className="form-grid">
      <div className="field field-wide">
        <label htmlFor="project-name">Name</label>
        <input
          id="project-name"
          value={draft.name}
          maxLength={200}
          data-autofocus={props.autoFocus ? true : undefined}
          data-testid="project-name"
          onChange={(e) => onChange({ ...draft, name: e.target.value })}
        />
      </div>
      <div className="field field-wide">
        <label htmlFor="project-description">Description</label>
        <textarea
          id="project-description"
          rows={3}
          value={draft.description}
          maxLength={20_000}
          data-testid="project-description"
          onChange={(e) => onChange({ ...draft, description: e.target.value })}
        />
      </div>
      <div className="field field-wide">
        <label htmlFor="project-tags">Tags (comma-separated)</label>
        <input
          id="project-tags"
          value={draft.tags}
          data-testid="project-tags"
          onChange={(e) => onChange({ ...draft, tags: e.target.value })}
        />
      </div>
    </div>
  )
}

export const CreateProjectDialog = (props: {
  onClose: () => void
  onCreated: (p: Project) => void
}) => {
  const client = useClient()
  const [draft, setDraft] = useState<ProjectDraft>(draftOf(null))
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async () => {
    setBusy(true)
    setError(null)
    try {
      const created = await client.call('projects.create', {
        name: draft.name,
        description: draft.description,
        tags: parseTags(draft.tags),
      })
      props.onCreated(created)
    } catch (e) {
      setError(errorMessage(e))
      setBusy(false)
    }
  }

  return (
    <Modal
      title="New project"
      onClose={props.onClose}
      testId="create-project-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form="create-project-form"
            className="button button-primary"
            disabled={busy}
            data-testid="create-project-submit"
          >
            {busy ? 'Creating…' : 'Create project'}
          </button>
        </>
      }
    >
      <form
        id="create-project-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <ProjectFields draft={draft} onChange={setDraft} autoFocus />
        {error ? (
          <p className="form-error" role="alert" data-testid="project-form-error">
            {error}
          </p>
        ) : null}
      </form>
    </Modal>
  )
}
