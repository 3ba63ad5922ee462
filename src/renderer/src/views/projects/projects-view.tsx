import { useEffect, useState } from 'react'
import type { Project, ProjectStats } from '#shared/contract/projects.contract'
import { useServices } from '../../app-context'
import { errorMessage } from '../../api/client'
import { ConfirmDialog } from '../../components/modal'
import { CreateProjectDialog, ProjectFields } from './project-dialog'
import { draftOf, parseTags, plural, sortedCounts, type ProjectDraft } from './projects-model'
import './projects.css'

/**
 * Projects: the list (archived ones on request) and the selected project's details, edit form, archive,
 * delete and statistics. Every change goes through the contract and the list reloads from it.
 */
export const ProjectsView = () => {
  const { client, ui } = useServices()
  const [projects, setProjects] = useState<Project[] | null>(null)
  const [showArchived, setShowArchived] = useState(false)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [creating, setCreating] = useState(false)

  // Bumped after every change: the list reloads from the contract.
  const [version, setVersion] = useState(0)
  const reload = () => setVersion((v) => v + 1)

  useEffect(() => {
    let live = true
    client.call('projects.list', { includeArchived: showArchived }).then(
      ({ items }) => {
        if (live) setProjects(items)
      },
      (e: unknown) => {
        ui.getState().toast('error', `Could not load projects: ${errorMessage(e)}`)
        if (live) setProjects([])
      },
    )
    return () => {
      live = false
    }
  }, [client, ui, showArchived, version])

  const selected = projects?.find((p) => p.id === selectedId) ?? null

  return (
    <section
      className="view projects-view"
      aria-labelledby="projects-title"
      data-testid="projects-view"
      data-state={projects === null ? 'loading' : 'ready'}
    >
      <div className="view-header">
        <h1 id="projects-title">Projects</h1>
        {projects ? <span className="count">{projects.length}</span> : null}
        <div className="view-header-actions">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={showArchived}
              data-testid="projects-show-archived"
              onChange={(e) => setShowArchived(e.target.checked)}
            />
            Show archived
          </label>
          <button
            type="button"
            className="button button-primary"
            data-testid="new-project"
            onClick={() => setCreating(true)}
          >
            New project
          </button>
        </div>
      </div>
      <div className="view-body projects-body">
        <ul className="project-list" aria-label="Projects" data-testid="project-list">
          {projects?.length === 0 ? (
            <li className="empty" data-testid="projects-empty">
              No projects yet. A project groups the indicators of one case or investigation.
            </li>
          ) : null}
          {projects?.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className={p.id === selectedId ? 'project-row selected' : 'project-row'}
                aria-pressed={p.id === selectedId}
                data-testid="project-row"
                data-name={p.name}
                data-archived={p.archived}
                onClick={() => setSelectedId(p.id)}
              >
                <span className="project-row-name">{p.name}</span>
                {p.archived ? <span className="tag">archived</span> : null}
                <span className="tags">
                  {p.tags.map((t) => (
                    <span key={t} className="tag">
                      {t}
                    </span>
                  ))}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {selected ? (
          <ProjectDetail
            key={`${selected.id}:${selected.updatedAt}`}
            project={selected}
            onChanged={reload}
            onDelete={() => {
              // The detail goes first: its figures must not be asked for a project being deleted.
              setSelectedId(null)
              const { id, name } = selected
              client
                .call('projects.delete', { id })
                .then(
                  () => ui.getState().toast('success', `Project "${name}" deleted`),
                  (e: unknown) => {
                    ui.getState().toast('error', `Could not delete "${name}": ${errorMessage(e)}`)
                    setSelectedId(id)
                  },
                )
                .finally(reload)
            }}
          />
        ) : (
          <div className="project-detail empty">
            Select a project to edit it and see its figures.
          </div>
        )}
      </div>
      {creating ? (
        <CreateProjectDialog
          onClose={() => setCreating(false)}
          onCreated={(p) => {
            setCreating(false)
            setSelectedId(p.id)
            ui.getState().toast('success', `Project "${p.name}" created`)
            reload()
          }}
        />
      ) : null}
    </section>
  )
}

const ProjectDetail = (props: {
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
        <div className="project-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={busy}
            data-testid="project-save"
          >
            Save
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            data-testid={project.archived ? 'project-unarchive' : 'project-archive'}
            onClick={() =>
              void act(
                () =>
                  client.call(project.archived ? 'projects.unarchive' : 'projects.archive', {
                    id: project.id,
                  }),
                project.archived ? 'Project unarchived' : 'Project archived',
              )
            }
          >
            {project.archived ? 'Unarchive' : 'Archive'}
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            data-testid="project-delete"
            onClick={() => setConfirming(true)}
          >
            Delete…
          </button>
        </div>
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

const CountList = (props: { title: string; counts: Record<string, number>; testId: string }) => (
  <div className="project-counts" data-testid={props.testId}>
    <h3>{props.title}</h3>
    <dl>
      {sortedCounts(props.counts).map(([k, n]) => (
        <div key={k} data-key={k} data-count={n}>
          <dt>{k}</dt>
          <dd>{n}</dd>
        </div>
      ))}
    </dl>
  </div>
)

const StatsPanel = (props: { stats: ProjectStats | null }) => {
  const s = props.stats
  if (!s) return <div className="project-stats" data-testid="project-stats" data-state="loading" />
  return (
    <div
      className="project-stats"
      data-testid="project-stats"
      data-state="ready"
      data-total={s.totalIndicators}
    >
      <h2>Indicators</h2>
      <dl className="project-figures">
        <div>
          <dt>Total</dt>
          <dd data-testid="project-total">{s.totalIndicators}</dd>
        </div>
        <div>
          <dt>Active</dt>
          <dd>{s.activeCount}</dd>
        </div>
        <div>
          <dt>False positives</dt>
          <dd>{s.falsePositiveCount}</dd>
        </div>
        <div>
          <dt>Changed in 7 days</dt>
          <dd>{s.recentActivityCount}</dd>
        </div>
        <div>
          <dt>Mean score (active)</dt>
          <dd>{s.riskScore ?? '–'}</dd>
        </div>
        <div>
          <dt>Last activity</dt>
          <dd data-testid="project-last-activity">
            {s.lastActivity ? new Date(s.lastActivity).toLocaleString() : 'none'}
          </dd>
        </div>
      </dl>
      <div className="project-count-lists">
        <CountList title="By type" counts={s.byType} testId="project-by-type" />
        <CountList title="By severity" counts={s.bySeverity} testId="project-by-severity" />
      </div>
    </div>
  )
}
