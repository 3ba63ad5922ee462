import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir, type NetworkInterfaceInfo } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contract } from '#shared/contract'
import type { Core } from '#core/create-core'
import { createMemoryLogger } from '#core/platform/logger'
import {
  createApiSharing,
  shareableAddresses,
  sharingConfirmation,
  type ApiSharingPrompts,
  type ShareChoice,
  type SharingText,
} from '#desktop/api-sharing'
import { createDesktopHttpToggle, type HttpToggle } from '#desktop/http-toggle'
import { loadOrCreateToken } from '#server/api-token'
import { startHeadless } from '#server/headless'
import { openCore } from '../../support/test-core'

// "Share the API on the network…": the desktop's one way to listen beyond this machine, driven through the
// real core, the real HTTP toggle and server, with the user's answers to the two dialogs scripted.

type Answers = { pick: (choices: readonly ShareChoice[]) => ShareChoice | null; confirm: boolean }

/** The user at the dialogs: answers as scripted and keeps what each dialog showed. */
const user = (answers: Answers) => {
  const seen = {
    choices: [] as ShareChoice[],
    confirmations: [] as (SharingText & { confirmLabel: string })[],
    told: [] as (SharingText & { kind: string })[],
  }
  const prompts: ApiSharingPrompts = {
    pickAddress: (choices) => {
      seen.choices.push(...choices)
      return Promise.resolve(answers.pick(choices))
    },
    confirm: (text) => {
      seen.confirmations.push(text)
      return Promise.resolve(answers.confirm)
    },
    inform: (text) => {
      seen.told.push(text)
      return Promise.resolve()
    },
  }
  return { prompts, seen }
}

const everyInterface = (choices: readonly ShareChoice[]) =>
  choices.find((c) => c.host === '0.0.0.0') ?? null

/** A request with a Host header of our choosing (fetch will not send one), on 127.0.0.1. */
const callWithHost = (
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/rpc/system.info',
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    r.on('error', reject)
    r.end('{}')
  })

const portOf = (url: string | null) => {
  if (!url) throw new Error('the API is not listening')
  return Number(new URL(url).port)
}

let dir: string
let core: Core
let toggle: HttpToggle
let dispose: () => Promise<void>

beforeEach(async () => {
  ;({ core, dir, dispose } = await openCore({ start: true }))
  toggle = createDesktopHttpToggle({ core, logger: createMemoryLogger() })
  await toggle.watch()
  // A free port, so tests never collide with a running app on 4517.
  await core.call('settings.update', { patch: { httpPort: 0 } })
  await toggle.waitForIdle()
})

afterEach(async () => {
  await toggle.stop()
  await dispose()
})

/** One address of a network interface, as os.networkInterfaces() describes it. */
const nic = (address: string, internal = false): NetworkInterfaceInfo =>
  address.includes(':')
    ? {
        address,
        internal,
        family: 'IPv6',
        netmask: 'ffff:ffff:ffff:ffff::',
        mac: '02:00:00:00:00:01',
        cidr: `${address}/64`,
        scopeid: 0,
      }
    : {
        address,
        internal,
        family: 'IPv4',
        netmask: '255.255.255.0',
        mac: '02:00:00:00:00:01',
        cidr: `${address}/24`,
      }

describe('the addresses offered', () => {
  it('are every IPv4 network first, then each network address; no loopback, no IPv6 link-local', () => {
    const choices = shareableAddresses({
      lo: [nic('127.0.0.1', true), nic('::1', true)],
      eth0: [nic('192.168.1.20'), nic('fe80::1c2b:3dff:fe4e:5f60'), nic('2001:db8::20')],
      wlan0: [nic('10.0.0.7')],
    })
    expect(choices.map((c) => c.host)).toEqual([
      '0.0.0.0',
      '192.168.1.20',
      '2001:db8::20',
      '10.0.0.7',
    ])
    expect(choices[1]?.label).toBe('eth0: 192.168.1.20')
  })
})

describe('the confirmation dialog', () => {
  it('says what is exposed, to whom, that the Host check is off, and how to undo it', () => {
    const text = sharingConfirmation('192.168.1.20', 4517)
    expect(text.message).toContain('192.168.1.20, port 4517')
    expect(text.detail).toContain('every indicator, project, feed, import report and setting')
    expect(text.detail).toContain('API token')
    expect(text.detail).toContain('plain HTTP')
    expect(text.detail).toContain('Host check')
    expect(text.detail).toContain('Keep the API on this computer only')
    expect(text.confirmLabel).toBe('Share on 192.168.1.20')
    expect(sharingConfirmation('::', 0).message).toContain('[::], a port the system picks')
  })
})

describe('sharing the API from the desktop', () => {
  it('saves nothing and moves nothing when the user cancels either dialog', async () => {
    await core.call('settings.update', { patch: { httpEnabled: true } })
    await toggle.waitForIdle()
    const before = toggle.url()
    expect(before).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    for (const answers of [
      { pick: () => null, confirm: true },
      { pick: everyInterface, confirm: false },
    ]) {
      const { prompts, seen } = user(answers)
      expect(await createApiSharing({ core, toggle, prompts }).share()).toBe('cancelled')
      expect(seen.told).toEqual([])
    }
    expect(await core.httpExposure.read()).toBeNull()
    expect(toggle.url()).toBe(before)
    const log = await core.call('audit.list', { entity: 'settings' })
    expect(log.items.filter((e) => e.entityId === 'http-exposure')).toEqual([])
  })

  it('on confirmation listens on 0.0.0.0 (reachable on 127.0.0.1), with the Host check off and the token still required', async () => {
    const { prompts, seen } = user({ pick: everyInterface, confirm: true })
    const sharing = createApiSharing({ core, toggle, prompts })
    expect(await sharing.share()).toBe('shared')

    expect(seen.confirmations).toHaveLength(1)
    expect(seen.confirmations[0]?.message).toContain('0.0.0.0')
    expect(await sharing.sharedOn()).toBe('0.0.0.0')
    // Sharing turns the API on; it was off.
    expect((await core.call('settings.get', {})).httpEnabled).toBe(true)
    const url = toggle.url()
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/)
    expect(seen.told).toEqual([
      expect.objectContaining({ kind: 'info', message: expect.stringContaining(url!) }),
    ])

    const port = portOf(url)
    const auth = { authorization: `Bearer ${loadOrCreateToken(dir)}` }
    const ok = await callWithHost(port, { ...auth, host: `127.0.0.1:${port}` })
    expect(ok.status).toBe(200)
    // Reached by a name of this machine on the network: the Host check is off for a network bind.
    expect((await callWithHost(port, { ...auth, host: `analyst-pc.lan:${port}` })).status).toBe(200)
    expect((await callWithHost(port, { host: `analyst-pc.lan:${port}` })).status).toBe(401)
    // Browsers' cross-site requests are still refused.
    expect(
      (
        await callWithHost(port, {
          ...auth,
          host: `analyst-pc.lan:${port}`,
          'sec-fetch-site': 'cross-site',
        })
      ).status,
    ).toBe(403)

    const [entry] = (await core.call('audit.list', { entity: 'settings' })).items.filter(
      (e) => e.entityId === 'http-exposure',
    )
    expect(entry).toMatchObject({
      transport: 'in-process',
      method: 'desktop.shareApi',
      changes: { host: { before: null, after: '0.0.0.0' } },
    })
  })

  it('"Keep the API on this computer only" goes back to loopback, where a foreign Host is refused again', async () => {
    const sharing = createApiSharing({
      core,
      toggle,
      prompts: user({ pick: everyInterface, confirm: true }).prompts,
    })
    await sharing.share()
    expect(toggle.url()).toMatch(/^http:\/\/0\.0\.0\.0:/)

    await sharing.stopSharing()
    expect(await sharing.sharedOn()).toBeNull()
    const url = toggle.url()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const port = portOf(url)
    const auth = { authorization: `Bearer ${loadOrCreateToken(dir)}` }
    expect((await callWithHost(port, { ...auth, host: `127.0.0.1:${port}` })).status).toBe(200)
    expect((await callWithHost(port, { ...auth, host: `analyst-pc.lan:${port}` })).status).toBe(403)
  })

  it('says so when the server cannot listen on the confirmed address, and keeps the choice', async () => {
    // 192.0.2.1 (TEST-NET-1) is an address this machine does not have: binding it fails.
    const { prompts, seen } = user({
      pick: () => ({ host: '192.0.2.1', label: 'x' }),
      confirm: true,
    })
    expect(await createApiSharing({ core, toggle, prompts }).share()).toBe('shared')
    expect(toggle.url()).toBeNull()
    expect(seen.told).toEqual([
      expect.objectContaining({ kind: 'error', message: expect.stringContaining('192.0.2.1') }),
    ])
    expect((await core.httpExposure.read())?.host).toBe('192.0.2.1')
  })
})

describe('who else can choose a network address', () => {
  it('not the API: settings.update refuses it over HTTP, and no contract method reaches the shared address', async () => {
    await core.call('settings.update', { patch: { httpEnabled: true } })
    await toggle.waitForIdle()
    const port = portOf(toggle.url())
    const res = await fetch(`http://127.0.0.1:${port}/api/rpc/settings.update`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${loadOrCreateToken(dir)}`,
      },
      body: JSON.stringify({ patch: { httpHost: '0.0.0.0' } }),
    })
    expect(res.status).toBe(400)
    await toggle.waitForIdle()
    expect(toggle.url()).toBe(`http://127.0.0.1:${port}`)
    expect(await core.httpExposure.read()).toBeNull()
    expect(Object.keys(contract).filter((m) => m.startsWith('settings.'))).toEqual([
      'settings.get',
      'settings.update',
    ])
  })

  it('a saved address that is not a network IP address (edited by hand, damaged) is not obeyed', async () => {
    await core.call('settings.update', { patch: { httpEnabled: true } })
    const save = core.db.sqlite.prepare(
      "INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES ('http-exposure', ?, 'x')",
    )
    for (const value of [
      '{"host":"127.0.0.1","confirmedAt":"x"}',
      '{"host":"evil.example"}',
      '{not json',
    ]) {
      save.run(value)
      expect(await core.httpExposure.read(), value).toBeNull()
      await toggle.apply(await core.settings.read())
      expect(toggle.url(), value).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    }
  })

  it('the core path takes network IP addresses only, naming the field', async () => {
    const by = { transport: 'in-process' as const, actor: 'test', method: 'test' }
    for (const host of [
      '127.0.0.1',
      '127.8.0.1',
      '::1',
      '[::1]',
      'localhost',
      'analyst-pc.lan',
      '',
    ]) {
      await expect(core.httpExposure.confirm(host, by), host).rejects.toMatchObject({
        code: 'invalid_input',
        details: { field: 'host' },
      })
    }
    await expect(core.httpExposure.confirm('[::]', by)).resolves.toMatchObject({ host: '::' })
  })

  it("not `threateye serve`: it ignores the desktop's choice and exposes the API only when given --host", async () => {
    const serveDir = mkdtempSync(join(tmpdir(), 'te-serve-'))
    const quiet = {
      dataDir: serveDir,
      port: 0,
      print: () => undefined,
      logger: createMemoryLogger(),
    }
    try {
      const first = await startHeadless(quiet)
      await first.core.httpExposure.confirm('0.0.0.0', {
        transport: 'in-process',
        actor: 'test',
        method: 'test',
      })
      await first.stop()

      const again = await startHeadless(quiet)
      expect(again.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      await again.stop()

      const withHost = await startHeadless({ ...quiet, host: '0.0.0.0' })
      expect(withHost.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/)
      await withHost.stop()
    } finally {
      rmSync(serveDir, { recursive: true, force: true })
    }
  })
})
