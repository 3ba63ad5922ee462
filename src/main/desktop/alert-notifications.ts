import { BrowserWindow, Notification } from 'electron'
import type { Core, Logger } from '#core'
import { createAlertNotifier } from './alert-notifier'

/**
 * The OS notifications of new alerts (the core's events, in the main process: they show with the window
 * closed too). Clicking one brings the window forward. Electron's Notification takes plain text.
 */
export const installAlertNotifications = (core: Core, logger: Logger): (() => void) => {
  if (!Notification.isSupported()) return () => undefined
  const notifier = createAlertNotifier({
    core,
    logger,
    show: ({ title, body }) => {
      const n = new Notification({ title, body, silent: false })
      n.on('click', () => {
        const win = BrowserWindow.getAllWindows()[0]
        if (win === undefined) return
        if (win.isMinimized()) win.restore()
        win.focus()
      })
      n.show()
    },
  })
  return () => notifier.dispose()
}
