import { useCallback, useEffect, useState } from 'react'
import type { In, Out } from '#shared/contract'
import type { Settings } from '#shared/contract/settings.contract'
import { ApiError, errorMessage } from '../../api/client'
import { useClient } from '../../app-context'

export type SystemInfo = Out<'system.info'>
export type SettingsPatch = In<'settings.update'>['patch']

/** A failed save: the message, and the field it names when the contract said which (`patch.httpPort`). */
export type SaveError = { field: string | null; message: string }

export const saveErrorOf = (e: unknown): SaveError => {
  if (e instanceof ApiError) {
    const details = e.details as
      { field?: unknown; issues?: { path?: unknown; message?: unknown }[] } | undefined
    const issue = details?.issues?.[0]
    if (issue && typeof issue.path === 'string' && typeof issue.message === 'string') {
      return { field: issue.path.replace(/^patch\./, ''), message: issue.message }
    }
    if (typeof details?.field === 'string') {
      return { field: details.field.replace(/^patch\./, ''), message: e.message }
    }
  }
  return { field: null, message: errorMessage(e) }
}

/**
 * The settings and the running core's facts, kept current: another window, the CLI or the API may change
 * settings while the view is open (settings.onDidChange), so the view shows what is saved, not a stale copy.
 */
export const useSettings = () => {
  const client = useClient()
  const [settings, setSettings] = useState<Settings | null>(null)
  const [info, setInfo] = useState<SystemInfo | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    const off = client.on('settings.onDidChange', (s) => {
      if (live) setSettings(s)
    })
    Promise.all([client.call('settings.get', {}), client.call('system.info', {})]).then(
      ([s, i]) => {
        if (!live) return
        setSettings(s)
        setInfo(i)
      },
      (e: unknown) => {
        if (live) setLoadError(errorMessage(e))
      },
    )
    return () => {
      live = false
      off()
    }
  }, [client])

  /** Saves a patch; answers the error instead of throwing, so each section shows its own. */
  const save = useCallback(
    async (patch: SettingsPatch): Promise<SaveError | null> => {
      try {
        setSettings(await client.call('settings.update', { patch }))
        // Where the API listens may have changed: the desktop's toggle reports it in system.info.
        setInfo(await client.call('system.info', {}))
        return null
      } catch (e) {
        return saveErrorOf(e)
      }
    },
    [client],
  )

  return { settings, info, loadError, save, transport: client.transport.kind }
}
