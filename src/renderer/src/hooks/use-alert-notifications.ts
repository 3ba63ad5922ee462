import { useEffect } from 'react'
import { alertNoticeText } from '#shared/alert-text'
import { useClient } from '../app-context'

export type BrowserPermission = NotificationPermission | 'unsupported'

export const browserNotificationPermission = (): BrowserPermission =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission

/** Asks the browser for permission; call it only from a user's click (browsers ignore it otherwise). */
export const requestBrowserNotifications = async (): Promise<BrowserPermission> =>
  typeof Notification === 'undefined' ? 'unsupported' : Notification.requestPermission()

/**
 * The browser's notifications of new alerts, when the app runs in a browser against `threateye serve`
 * (the desktop's main process notifies through the OS itself, window open or not). Shown only if the user
 * granted permission and the alerts' notifications setting is on. The text is plain: the Notification API
 * never interprets it as HTML, and alertNoticeText strips control characters.
 */
export const useAlertNotifications = (): void => {
  const client = useClient()
  useEffect(() => {
    if (client.transport.kind !== 'http' || typeof Notification === 'undefined') return
    return client.on('alerts.onDidTrigger', (e) => {
      if (Notification.permission !== 'granted') return
      client.call('alerts.getSettings', {}).then(
        (s) => {
          if (!s.notifications) return
          const { title, body } = alertNoticeText(e)
          new Notification(title, { body, tag: 'threateye-alerts' })
        },
        () => undefined,
      )
    })
  }, [client])
}
