import { useEffect, useState } from 'react'
import type { Project } from '#shared/contract/projects.contract'
import { useServices } from '../../app-context'
import { errorMessage } from '../../api/client'
import { CreateProjectDialog } from './project-dialog'
import { ProjectDetail } from './project-detail'
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
