import { BrowserWindow, dialog, type MessageBoxOptions } from 'electron'
import type { Core, Logger } from '#core'
import { createApiSharing, type ApiSharingPrompts } from './api-sharing'
import type { HttpToggle } from './http-toggle'
import { installAppMenu } from './menu'

/** At most this many addresses as buttons; 0.0.0.0 comes first and covers the rest. */
const MAX_ADDRESS_BUTTONS = 8

const show = (options: MessageBoxOptions) => {
  const parent = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
  return parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options)
}

/** The API sharing dialogs as Electron message boxes, shown by the main process (never by the page). */
const messageBoxPrompts: ApiSharingPrompts = {
  pickAddress: async (choices, port) => {
    const shown = choices.slice(0, MAX_ADDRESS_BUTTONS)
    const cancel = shown.length
    const { response } = await show({
      type: 'question',
      title: 'Share the API on the network',
      message: 'Which address should the API listen on?',
      detail: `On ${port === 0 ? 'a port the system picks' : `port ${port}`} (the port of the Settings view). The next dialog says what this exposes.`,
      buttons: [...shown.map((c) => c.label), 'Cancel'],
      defaultId: cancel,
      cancelId: cancel,
      noLink: true,
    })
    return shown[response] ?? null
  },
  confirm: async (text) => {
    const { response } = await show({
      type: 'warning',
      title: text.title,
      message: text.message,
      detail: text.detail,
      buttons: ['Cancel', text.confirmLabel],
      // Enter and Escape both keep the API where it is.
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    })
    return response === 1
  },
  inform: async (text) => {
    await show({
      type: text.kind === 'error' ? 'error' : 'info',
      title: text.title,
      message: text.message,
      detail: text.detail,
      buttons: ['OK'],
    })
  },
}

/** Puts the API sharing items in the app menu, kept in step with what is saved. */
export const installApiSharingMenu = async (opts: {
  core: Core
  toggle: HttpToggle
  logger: Logger
}): Promise<void> => {
  const sharing = createApiSharing({
    core: opts.core,
    toggle: opts.toggle,
    prompts: messageBoxPrompts,
  })
  const refresh = async () => {
    installAppMenu({
      sharedOn: await sharing.sharedOn(),
      share: () => run(() => sharing.share()),
      stopSharing: () => run(() => sharing.stopSharing()),
    })
  }
  const run = (action: () => Promise<unknown>) => {
    action()
      .catch(async (error: unknown) => {
        opts.logger.error('API sharing failed', { error })
        await messageBoxPrompts.inform({
          kind: 'error',
          title: 'API sharing failed',
          message: error instanceof Error ? error.message : String(error),
          detail: 'Nothing else was changed; the log has the details.',
        })
      })
      .then(refresh)
      .catch((error: unknown) => opts.logger.error('app menu update failed', { error }))
  }
  await refresh()
}
