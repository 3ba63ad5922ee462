import { useEffect, useState } from 'react'
import type { Project, ProjectStats } from '#shared/contract/projects.contract'
import { useServices } from '../../app-context'
import { errorMessage } from '../../api/client'
import { ConfirmDialog } from '../../components/modal'
import { ProjectFields } from './project-dialog'
import { StatsPanel } from './project-stats'
import { draftOf, parseTags, plural, type ProjectDraft } from './projects-model'

const ProjectActions = (props: {
  archived: boolean
  busy: boolean
  onArchive: () => void
  onDelete: () => void
}) => (
  <div className="project-actions">
    <button
      type="submit"
      className="button button-primary"
      disabled={props.busy}
      data-testid="project-save"
    >
      Save
    </button>
    <button
      type="button"
      className="button"
      disabled={props.busy}
      data-testid={props.archived ? 'project-unarchive' : 'project-archive'}
      onClick={props.onArchive}
    >
      {props.archived ? 'Unarchive' : 'Archive'}
    </button>
    <button
      type="button"
      className="button button-danger"
      disabled={props.busy}
      data-testid="project-delete"
      onClick={props.onDelete}
    >
      Delete…
    </button>
  </div>
)

/** The selected project: its edit form, archive and delete, and its figures. */
export const ProjectDetail = (props: {
  project: Project
  onChanged: () => void
  onDelete: () => void
}) => {
  const { client, ui } = useServices()
  const { project } = props
  const [draft, setDraft] = useState<ProjectDraft>(draftOf(project))
  const [stats, setStats] = useState<ProjectStats | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [confirming, setConfirming] = useState(false)

  // The figures follow the indicators: any change to them (an import, an edit) reloads them.
  const [statsVersion, setStatsVersion] = useState(0)
  useEffect(
    () => client.on('indicators.onDidChange', () => setStatsVersion((v) => v + 1)),
    [client],
  )
  useEffect(() => {
    let live = true
    client.call('projects.stats', { id: project.id }).then(
      (s) => {
        if (live) setStats(s)
      },
      (e: unknown) => ui.getState().toast('error', `Could not load statistics: ${errorMessage(e)}`),
    )
    return () => {
      live = false
    }
  }, [client, ui, project.id, project.updatedAt, statsVersion])

  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true)
    setError(null)
    try {
      await what()
      ui.getState().toast('success', done)
      props.onChanged()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  const save = () =>
    act(
      () =>
        client.call('projects.update', {
          id: project.id,
          patch: { name: draft.name, description: draft.description, tags: parseTags(draft.tags) },
        }),
      `Project "${draft.name.trim()}" saved`,
    )
  const total = stats?.totalIndicators ?? 0

  return (
    <div className="project-detail" data-testid="project-detail" data-name={project.name}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <ProjectFields draft={draft} onChange={setDraft} />
        {error ? (
          <p className="form-error" role="alert" data-testid="project-form-error">
            {error}
          </p>
        ) : null}
        <ProjectActions
          archived={project.archived}
          busy={busy}
          onArchive={() =>
            void act(
              () =>
                client.call(project.archived ? 'projects.unarchive' : 'projects.archive', {
                  id: project.id,
                }),
              project.archived ? 'Project unarchived' : 'Project archived',
            )
          }
          onDelete={() => setConfirming(true)}
        />
      </form>
      <StatsPanel stats={stats} />
      {confirming ? (
        <ConfirmDialog
          title={`Delete "${project.name}"?`}
          message={
            total > 0
              ? `Its ${plural(total, 'indicator')} will be kept, without a project. The project itself cannot be restored; archive it instead to hide it and keep it.`
              : 'It holds no indicators. The project cannot be restored; archive it instead to hide it and keep it.'
          }
          confirmLabel="Delete project"
          danger
          busy={busy}
          onConfirm={props.onDelete}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </div>
  )
}
