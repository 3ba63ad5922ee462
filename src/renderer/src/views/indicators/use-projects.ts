import { useEffect, useState } from 'react'
import type { Project } from '#shared/contract/projects.contract'
import { useClient } from '../../app-context'

/** Projects for pickers. A failure leaves the list empty: the filter simply offers no projects. */
export const useProjects = (): Project[] => {
  const client = useClient()
  const [projects, setProjects] = useState<Project[]>([])
  useEffect(() => {
    let live = true
    client.call('projects.list', {}).then(
      (r) => {
        if (live) setProjects(r.items)
      },
      () => {},
    )
    return () => {
      live = false
    }
  }, [client])
  return projects
}
