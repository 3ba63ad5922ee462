import { BrowserWindow, ipcMain, type WebContents } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '#shared/bridge'
import type { Core, Logger } from '#core'
import { createIpcDispatch } from './ipc-dispatch'
import { createTrustedSenderCheck } from './app-url'
import { chooseImportFile, chooseWarninglistFolder } from './file-dialog'
import { createPickedFileRegistry } from './picked-files'

/**
 * The Electron transport: one invoke channel for every contract call, one event channel for every core event.
 * The sender check runs on the calling frame's URL, so an iframe or a page navigated elsewhere (both blocked by
 * window.ts anyway) still could not call the core. Each call carries its window's picked files (a file dialog's
 * choices, by handle), so one window cannot import what another picked.
 */
export const registerIpc = (opts: { core: Core; appUrl: string; logger: Logger }): (() => void) => {
  const isTrusted = createTrustedSenderCheck(opts.appUrl)
  const files = createPickedFileRegistry({
    choosePath: chooseImportFile,
    chooseFolder: chooseWarninglistFolder,
  })
  const handle = createIpcDispatch({
    dispatch: opts.core.dispatch,
    isTrustedSender: (frameUrl) => {
      const trusted = isTrusted(frameUrl)
      if (!trusted) opts.logger.warn('IPC call refused: untrusted frame', { frameUrl })
      return trusted
    },
    files,
  })
  // A window's picked files go when its page does.
  const watched = new Set<number>()
  const forgetOnClose = (sender: WebContents) => {
    if (watched.has(sender.id)) return
    const id = sender.id
    watched.add(id)
    sender.once('destroyed', () => {
      watched.delete(id)
      files.forget(id)
    })
  }
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, method: unknown, input: unknown) => {
    forgetOnClose(event.sender)
    return handle(event.senderFrame?.url, method, input, event.sender.id)
  })

  const unsubscribe = opts.core.events.onAny((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) {
        win.webContents.send(IPC_EVENT_CHANNEL, name, payload)
      }
    }
  })

  return () => {
    unsubscribe()
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL)
  }
}
