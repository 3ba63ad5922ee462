import { isIP } from 'node:net'
import { z } from 'zod'
import { AppError } from '#shared/contract/errors'
import { isLoopbackHost } from '#shared/domain/loopback'
import type { ChangeCaller } from '../audit/change-caller'
import type { CoreContext } from '../core-context'
import { createSettingsRepository } from './settings.repository'
import { writeSettingRow, type SettingsService } from './settings.service'

/** Its own settings row: `settings.update` writes the 'app' row only, so no transport can reach this one. */
const KEY = 'http-exposure'

const HttpExposureSchema = z.object({
  /** The non-loopback address the desktop's optional REST port listens on (0.0.0.0, ::, an interface's). */
  host: z.string(),
  confirmedAt: z.string(),
})
export type HttpExposure = z.infer<typeof HttpExposureSchema>

/**
 * Where the desktop's REST port may listen beyond this machine. Choosing that is the user's decision in the
 * desktop's own confirmation dialog (src/main/desktop/api-sharing.ts), made in the main process: this service
 * is not in the contract, so neither the page nor the API can call it, and `settings.update` accepts loopback
 * addresses only. `threateye serve` does not read it (it exposes the API only when given --host).
 */
export type HttpExposureService = {
  /** The confirmed address, or null: the API stays on the loopback address of the settings. */
  read(): Promise<HttpExposure | null>
  /** Records the address the user confirmed in the desktop dialog; settings listeners re-apply. */
  confirm(host: string, by: ChangeCaller): Promise<HttpExposure>
  /** Back to loopback only. */
  withdraw(by: ChangeCaller): Promise<void>
}

/** An address a server can bind that is not loopback: an IP literal, since a name may resolve elsewhere later. */
const checkExposedHost = (host: string): string => {
  const trimmed = host.trim()
  const bare = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed
  if (isIP(bare) === 0) {
    throw new AppError('invalid_input', `host: ${JSON.stringify(host)} is not an IP address`, {
      field: 'host',
    })
  }
  if (isLoopbackHost(bare)) {
    throw new AppError(
      'invalid_input',
      `host: ${bare} is a loopback address; the settings' httpHost already covers this machine`,
      { field: 'host' },
    )
  }
  return bare
}

export const createHttpExposureService = (
  ctx: Pick<CoreContext, 'db' | 'clock' | 'events' | 'changes' | 'logger'>,
  settings: SettingsService,
): HttpExposureService => {
  const read = async (): Promise<HttpExposure | null> => {
    const value = await createSettingsRepository(ctx.db.dataSource.manager).read(KEY)
    if (value === null || value === 'null') return null
    let saved: unknown
    try {
      saved = JSON.parse(value)
    } catch {
      saved = undefined
    }
    const parsed = HttpExposureSchema.safeParse(saved)
    if (parsed.success && isIP(parsed.data.host) !== 0 && !isLoopbackHost(parsed.data.host)) {
      return parsed.data
    }
    ctx.logger.warn('the saved API sharing address is not valid; the API stays on loopback')
    return null
  }

  const write = (next: HttpExposure | null, by: ChangeCaller, label: string) =>
    ctx.db.writes.run(label, async () => {
      const current = await read()
      if (current?.host === next?.host) return
      await writeSettingRow(ctx, KEY, next, by, {
        host: { before: current?.host ?? null, after: next?.host ?? null },
      })
    })

  // The desktop toggle follows settings.onDidChange and reads this service when it applies them.
  const announce = async () => ctx.events.emit('settings.onDidChange', await settings.read())

  return {
    read,
    confirm: async (host, by) => {
      const next = { host: checkExposedHost(host), confirmedAt: ctx.clock.now().toISOString() }
      await write(next, by, 'settings.confirmHttpExposure')
      await announce()
      return (await read()) ?? next
    },
    withdraw: async (by) => {
      await write(null, by, 'settings.withdrawHttpExposure')
      await announce()
    },
  }
}
