import { BrowserWindow, dialog, webContents } from 'electron'
import type { PickOwner } from './picked-files'

/**
 * The open dialog behind files.pickImport, modal to the window that asked. The path it returns goes into the
 * picked-file registry (picked-files.ts); the page gets a handle.
 */
export const chooseImportFile = async (owner: PickOwner): Promise<string | null> => {
  const contents = webContents.fromId(owner)
  const win = contents ? BrowserWindow.fromWebContents(contents) : null
  // The window closed while the call travelled: nobody to show a dialog to.
  if (!win || win.isDestroyed()) return null
  const result = await dialog.showOpenDialog(win, {
    title: 'Import indicators from a file',
    buttonLabel: 'Import',
    properties: ['openFile'],
    filters: [
      { name: 'Indicator files', extensions: ['csv', 'tsv', 'txt', 'json', 'gz', 'zip'] },
      { name: 'All files', extensions: ['*'] },
    ],
  })
  return result.canceled ? null : (result.filePaths[0] ?? null)
}

/** The folder dialog behind warninglists.importPicked (MISP warninglists: *.json or <name>/list.json). */
export const chooseWarninglistFolder = async (owner: PickOwner): Promise<string | null> => {
  const contents = webContents.fromId(owner)
  const win = contents ? BrowserWindow.fromWebContents(contents) : null
  if (!win || win.isDestroyed()) return null
  const result = await dialog.showOpenDialog(win, {
    title: 'Import warninglists from a folder',
    buttonLabel: 'Import',
    properties: ['openDirectory'],
  })
  return result.canceled ? null : (result.filePaths[0] ?? null)
}
