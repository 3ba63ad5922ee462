import { useEffect, useState } from 'react'
import { useClient } from '../app-context'

/**
 * The number of open alerts, kept current by alerts.onDidChange (a burst of changes is one count query).
 * Shown in the nav; nothing while there are none.
 */
export const OpenAlertsBadge = () => {
  const client = useClient()
  const [open, setOpen] = useState<number | null>(null)

  useEffect(() => {
    let live = true
    let pending = false
    let again = false
    const refresh = () => {
      if (pending) {
        // Counted again once the query in flight answers, so the last change is never missed.
        again = true
        return
      }
      pending = true
      const done = () => {
        pending = false
        if (again && live) {
          again = false
          refresh()
        }
      }
      client.call('alerts.list', { filter: { status: ['open'] }, limit: 1 }).then((page) => {
        if (live) setOpen(page.total)
        done()
      }, done)
    }
    refresh()
    const off = client.on('alerts.onDidChange', refresh)
    return () => {
      live = false
      off()
    }
  }, [client])

  if (open === null || open === 0) return null
  const label = `${open} open alert${open === 1 ? '' : 's'}`
  return (
    <span
      className="nav-count"
      role="status"
      aria-label={label}
      title={label}
      data-testid="open-alerts-badge"
    >
      {open > 999 ? '999+' : open}
    </span>
  )
}
