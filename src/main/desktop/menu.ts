import { app, Menu, type MenuItemConstructorOptions } from 'electron'

/** The API sharing items (api-sharing-dialogs.ts): present once the core runs. */
export type ApiSharingMenu = {
  /** The confirmed network address, or null while the API stays on this computer. */
  sharedOn: string | null
  share(): void
  stopSharing(): void
}

const fileMenu = (
  isMac: boolean,
  sharing: ApiSharingMenu | undefined,
): MenuItemConstructorOptions => {
  if (!sharing) return { role: 'fileMenu' }
  return {
    label: 'File',
    submenu: [
      { label: 'Share the API on the network…', click: () => sharing.share() },
      {
        label:
          sharing.sharedOn === null
            ? 'Keep the API on this computer only'
            : `Keep the API on this computer only (now shared on ${sharing.sharedOn})`,
        enabled: sharing.sharedOn !== null,
        click: () => sharing.stopSharing(),
      },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  }
}

/**
 * A small menu: the API sharing items, the standard edit roles (so copy/paste shortcuts work in inputs), view
 * zoom, and developer tools only in an unpackaged build. No "open URL" items: nothing in the app opens external
 * links. Installed again whenever the sharing state changes.
 */
export const installAppMenu = (sharing?: ApiSharingMenu): void => {
  const isMac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    fileMenu(isMac, sharing),
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged
          ? []
          : [{ role: 'toggleDevTools' } satisfies MenuItemConstructorOptions]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
