import { alertNoticeText } from '#shared/alert-text'
import type { Core, Logger } from '#core'

export type AlertNotification = { title: string; body: string }

/**
 * Desktop notifications of new alerts, without Electron (alert-notifications.ts passes the real
 * Notification): follows the core's alerts.onDidTrigger, asks the alert settings whether notifications are
 * on, and shows one notification per trigger (a storm of alerts is one notification with a count).
 */
export const createAlertNotifier = (opts: {
  core: Core
  show: (n: AlertNotification) => void
  logger: Logger
}): { dispose(): void; waitForIdle(): Promise<void> } => {
  const { core, show, logger } = opts
  let tail: Promise<void> = Promise.resolve()
  const off = core.events.on('alerts.onDidTrigger', (e) => {
    tail = tail
      .then(async () => {
        if (!(await core.call('alerts.getSettings', {})).notifications) return
        show(alertNoticeText(e))
      })
      .catch((error: unknown) => logger.warn('alert notification failed', { error }))
  })
  return {
    dispose: off,
    waitForIdle: () => tail,
  }
}
