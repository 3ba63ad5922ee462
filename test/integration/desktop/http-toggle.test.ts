import { createServer, type Server } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '#core/create-core'
import { openCore } from '../../support/test-core'
import { createDesktopHttpToggle, type HttpToggle } from '#desktop/http-toggle'
import { loadOrCreateToken } from '#server/api-token'
import { createMemoryLogger } from '#core/platform/logger'

/** The desktop's optional REST port, driven through the real settings service and the real HTTP server. */
let dir: string
let core: Core
let toggle: HttpToggle
let logger: ReturnType<typeof createMemoryLogger>
let dispose: () => Promise<void>

beforeEach(async () => {
  ;({ core, dir, logger, dispose } = await openCore({ start: true }))
  toggle = createDesktopHttpToggle({ core, logger })
  await toggle.watch()
})

afterEach(async () => {
  await toggle.stop()
  await dispose()
})

const setHttp = async (patch: { httpEnabled?: boolean; httpPort?: number; httpHost?: string }) => {
  await core.call('settings.update', { patch })
  await toggle.waitForIdle()
}

const callSystemInfo = (url: string, token?: string) =>
  fetch(`${url}/api/rpc/system.info`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: '{}',
  })

describe('the desktop HTTP toggle', () => {
  it('is off by default, serves the API with the data directory token when enabled, and stops when disabled', async () => {
    expect(toggle.url()).toBeNull()
    expect((await core.call('system.info', {})).httpUrl).toBeNull()

    await setHttp({ httpEnabled: true, httpPort: 0 })
    const url = toggle.url()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await core.call('system.info', {})).httpUrl).toBe(url)

    const token = loadOrCreateToken(dir)
    const ok = await callSystemInfo(url!, token)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ ok: true, value: { dataDir: dir, httpUrl: url } })
    expect((await callSystemInfo(url!)).status).toBe(401)

    await setHttp({ httpEnabled: false })
    expect(toggle.url()).toBeNull()
    expect((await core.call('system.info', {})).httpUrl).toBeNull()
    await expect(callSystemInfo(url!, token)).rejects.toThrow()
  })

  it('stays off and logs why when the port is taken, then starts once moved to a free port', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok))
    const taken = (blocker.address() as { port: number }).port
    try {
      await setHttp({ httpEnabled: true, httpPort: taken })
      expect(toggle.url()).toBeNull()
      const failure = logger.lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.message === 'local HTTP API could not start')
      expect(failure).toMatchObject({ level: 'error', port: taken, host: '127.0.0.1' })

      await setHttp({ httpPort: 0 })
      expect(toggle.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    } finally {
      await new Promise<void>((ok) => blocker.close(() => ok()))
    }
  })

  it('applies rapid changes in order and ends in the last state asked for', async () => {
    await Promise.all([
      core.call('settings.update', { patch: { httpEnabled: true, httpPort: 0 } }),
      core.call('settings.update', { patch: { httpEnabled: false } }),
      core.call('settings.update', { patch: { httpEnabled: true } }),
    ])
    await toggle.waitForIdle()
    const url = toggle.url()
    expect(url).not.toBeNull()
    expect((await callSystemInfo(url!, loadOrCreateToken(dir))).status).toBe(200)

    await toggle.stop()
    expect(toggle.url()).toBeNull()
    await expect(callSystemInfo(url!)).rejects.toThrow()
  })
})
