import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os'
import { localActor, type Core } from '#core'
import type { HttpToggle } from './http-toggle'

/**
 * "Share the API on the network…" in the app menu: the one way the desktop's REST port listens beyond this
 * machine. The user picks an address and confirms a dialog that says what that exposes; only then is the
 * address saved, through core.httpExposure (not in the contract: the page and the API cannot reach it), and
 * the HTTP toggle follows it. "Keep the API on this computer only" goes back to the loopback address of the
 * settings.
 *
 * No Electron here: the dialogs are passed in as ApiSharingPrompts (api-sharing-dialogs.ts shows them with
 * Electron's message boxes), so the whole flow is tested under Node with the real core, toggle and server.
 */

export type ShareChoice = { host: string; label: string }

export type SharingText = { title: string; message: string; detail: string }

export type ApiSharingPrompts = {
  /** Which address to listen on; null when the user cancels. */
  pickAddress(choices: readonly ShareChoice[], port: number): Promise<ShareChoice | null>
  /** The confirmation: true only when the user chose to share. */
  confirm(text: SharingText & { confirmLabel: string }): Promise<boolean>
  /** What happened, after the change. */
  inform(text: SharingText & { kind: 'info' | 'error' }): Promise<void>
}

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>

const isLinkLocalV6 = (address: string) => /^fe[89ab][0-9a-f]:/i.test(address)

/**
 * The addresses offered: every IPv4 interface at once (0.0.0.0), then each network address of this machine.
 * Loopback is left out (that is the settings' own httpHost), and so are IPv6 link-local addresses, which need
 * a zone to bind and are rarely what anyone means by "the network".
 */
export const shareableAddresses = (interfaces: Interfaces = networkInterfaces()): ShareChoice[] => {
  const choices: ShareChoice[] = [{ host: '0.0.0.0', label: 'Every IPv4 network (0.0.0.0)' }]
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal || isLinkLocalV6(info.address)) continue
      if (choices.some((c) => c.host === info.address)) continue
      choices.push({ host: info.address, label: `${name}: ${info.address}` })
    }
  }
  return choices
}

const shownHost = (host: string) => (host.includes(':') ? `[${host}]` : host)
const shownPort = (port: number) =>
  port === 0 ? 'a port the system picks (the httpPort setting is 0)' : `port ${port}`

/** The confirmation dialog's words: what listening on `host` exposes, and to whom. */
export const sharingConfirmation = (
  host: string,
  port: number,
): SharingText & { confirmLabel: string } => {
  const where = `${shownHost(host)}, ${shownPort(port)}`
  return {
    title: 'Share the API on the network',
    message: `Let other computers reach ThreatEye's API on ${where}?`,
    detail: [
      `Anyone who can reach this computer at ${where} can then connect to the API. With the API token they ` +
        'can read every indicator, project, feed, import report and setting in this app (TLP:RED included), ' +
        'change or delete them, and start imports and feed runs, exactly as you can. Without the token they ' +
        'get the app page and the API description, not your data.',
      'The token is the api-token file in the data directory (`threateye token` prints it); anyone holding it ' +
        'has all of the above, so share it only with people who should. The connection is plain HTTP: ' +
        'anyone on the network path can read what passes, the token included.',
      'The Host check, which stops web pages in a browser on this computer from reaching the API through ' +
        'DNS rebinding, is off while the API listens on a network address; the token still guards every call.',
      'This stays in effect, across restarts, until you choose "Keep the API on this computer only" in the ' +
        'same menu. `threateye serve` is not affected.',
    ].join('\n\n'),
    confirmLabel: `Share on ${shownHost(host)}`,
  }
}

export type ApiSharing = {
  /** Pick, confirm, save, apply; nothing is saved unless the user confirms. */
  share(): Promise<'shared' | 'cancelled'>
  /** Back to the loopback address of the settings. */
  stopSharing(): Promise<void>
  /** The confirmed network address, or null when the API stays on this machine. */
  sharedOn(): Promise<string | null>
}

export const createApiSharing = (opts: {
  core: Core
  toggle: HttpToggle
  prompts: ApiSharingPrompts
  interfaces?: () => Interfaces
}): ApiSharing => {
  const { core, toggle, prompts } = opts
  const by = (method: string) => ({ transport: 'in-process' as const, actor: localActor(), method })

  const reportListening = async (host: string) => {
    const url = toggle.url()
    if (url) {
      await prompts.inform({
        kind: 'info',
        title: 'API shared on the network',
        message: `The API is listening on ${url}.`,
        detail:
          host === '0.0.0.0'
            ? "Other computers reach it at this computer's network addresses, on the same port."
            : `Other computers reach it at http://${shownHost(host)}:${new URL(url).port}.`,
      })
      return
    }
    await prompts.inform({
      kind: 'error',
      title: 'API not started',
      message: `The API could not listen on ${shownHost(host)}.`,
      detail:
        'The address is saved, but the server did not start (the port may be taken, or the address no ' +
        'longer belongs to this computer); the log says why. Choose another address, or keep the API on ' +
        'this computer only.',
    })
  }

  return {
    share: async () => {
      const settings = await core.settings.read()
      const choices = shareableAddresses(opts.interfaces?.())
      const choice = await prompts.pickAddress(choices, settings.httpPort)
      if (!choice) return 'cancelled'
      if (!(await prompts.confirm(sharingConfirmation(choice.host, settings.httpPort)))) {
        return 'cancelled'
      }
      await core.httpExposure.confirm(choice.host, by('desktop.shareApi'))
      // Sharing means serving: the switch is turned on with it (off again from the Settings view).
      if (!settings.httpEnabled) {
        await core.call('settings.update', { patch: { httpEnabled: true } })
      }
      await toggle.waitForIdle()
      await reportListening(choice.host)
      return 'shared'
    },
    stopSharing: async () => {
      await core.httpExposure.withdraw(by('desktop.stopSharingApi'))
      await toggle.waitForIdle()
    },
    sharedOn: async () => (await core.httpExposure.read())?.host ?? null,
  }
}
