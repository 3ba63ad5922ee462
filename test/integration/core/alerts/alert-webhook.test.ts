import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { DELIVERY_HEADER, SIGNATURE_HEADER } from '#core/alerts/alert-webhook'
import { inProcessContext } from '#core/rpc/handlers'
import { appErrorOf } from '../db/core-fixture'
import { openCore, type TestCore } from '../../../support/test-core'

// The webhook against a real HTTP server on 127.0.0.1: retries with backoff until it answers 2xx, the
// signature checks out with the secret, the outcome is on the alert, and the secret goes nowhere else.

type Received = { headers: IncomingMessage['headers']; body: string }

let t: TestCore | undefined
let server: Server | undefined
afterEach(async () => {
  await t?.dispose()
  t = undefined
  if (server) await new Promise((r) => server?.close(r))
  server = undefined
})

/** A server that answers each POST with the next status of `statuses` (the last one repeats). */
const hookServer = async (statuses: number[], bodyBytes = 0) => {
  const received: Received[] = []
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      const status = statuses[Math.min(received.length, statuses.length) - 1] ?? 200
      res.writeHead(status, { 'content-type': 'text/plain' }).end('x'.repeat(bodyBytes))
    })
  })
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return { url, received }
}

const SECRET = 'a-webhook-secret-for-tests'

const setup = async () => {
  t = await openCore({ alertWebhook: { backoffMs: 5, maxBackoffMs: 20, maxAttempts: 3 } })
  const core = t.core
  await core.call('alerts.createRule', { name: 'Tagged', condition: { kind: 'tag', tag: 'c2' } })
  return core
}

describe('the alert webhook', () => {
  it('retries a failing receiver with backoff, then records the delivery; the signature verifies', async () => {
    const { url, received } = await hookServer([500, 503, 200])
    const core = await setup()
    await core.call('alerts.updateSettings', { webhook: { url, secret: SECRET } })
    const ind = await core.call('indicators.create', { value: 'c2.evil-c2.net', tags: ['c2'] })
    await core.waitForIdle()

    expect(received).toHaveLength(3)
    const last = received[2]
    const expected = `sha256=${createHmac('sha256', SECRET).update(last.body).digest('hex')}`
    expect(last.headers[SIGNATURE_HEADER]).toBe(expected)
    const payload = JSON.parse(last.body) as {
      event: string
      alert: { id: string; indicatorId: string }
    }
    expect(payload).toMatchObject({ event: 'alert.triggered', alert: { indicatorId: ind.id } })
    expect(last.headers[DELIVERY_HEADER]).toBe(payload.alert.id)
    expect(last.headers['content-type']).toBe('application/json')
    // Every attempt sent the same signed body.
    expect(new Set(received.map((r) => r.body)).size).toBe(1)

    const alert = await core.call('alerts.get', { id: payload.alert.id })
    expect(alert.webhook).toMatchObject({ status: 'delivered', attempts: 3, error: null })
    const log = await core.call('audit.list', { entity: 'alert', entityId: alert.id })
    expect(log.items[0]).toMatchObject({ method: 'alerts.webhook', operation: 'update' })
    expect(JSON.stringify(log.items[0]?.changes)).toContain('delivered')
  })

  it('gives up after maxAttempts, and at once on a 4xx; the error is the status, never the body', async () => {
    const { url, received } = await hookServer([500])
    const core = await setup()
    await core.call('alerts.updateSettings', { webhook: { url } })
    await core.call('indicators.create', { value: 'a.evil-c2.net', tags: ['c2'] })
    await core.waitForIdle()
    expect(received).toHaveLength(3)
    expect(received[0]?.headers[SIGNATURE_HEADER]).toBeUndefined()
    const [failed] = (await core.call('alerts.list', {})).items
    expect(failed?.webhook).toMatchObject({ status: 'failed', attempts: 3, error: 'HTTP 500' })

    const gone = await hookServer([410])
    await core.call('alerts.updateSettings', { webhook: { url: gone.url } })
    await core.call('indicators.create', { value: 'b.evil-c2.net', tags: ['c2'] })
    await core.waitForIdle()
    expect(gone.received).toHaveLength(1)
    const b = (await core.call('alerts.list', { filter: { q: 'b.evil-c2.net' } })).items[0]
    expect(b?.webhook).toMatchObject({ status: 'failed', attempts: 1, error: 'HTTP 410' })
  })

  it('reads a bounded part of a huge answer and still counts the 2xx', async () => {
    const { url, received } = await hookServer([200], 5 * 1024 * 1024)
    const core = await setup()
    await core.call('alerts.updateSettings', { webhook: { url } })
    await core.call('indicators.create', { value: 'big.evil-c2.net', tags: ['c2'] })
    await core.waitForIdle()
    expect(received).toHaveLength(1)
    expect((await core.call('alerts.list', {})).items[0]?.webhook?.status).toBe('delivered')
  })

  it('keeps the secret out of every answer and the change log; over HTTP it keeps the fetch rules', async () => {
    const { url } = await hookServer([200])
    const core = await setup()
    const set = await core.call('alerts.updateSettings', {
      notifications: false,
      webhook: { url, secret: SECRET },
    })
    expect(set).toEqual({ notifications: false, webhook: { url, hasSecret: true } })
    expect(JSON.stringify(await core.call('alerts.getSettings', {}))).not.toContain(SECRET)
    const entries = await core.call('audit.list', { entity: 'settings' })
    expect(JSON.stringify(entries)).not.toContain(SECRET)
    expect(JSON.stringify(entries)).not.toContain('/hook')

    // Another origin with the stored secret: refused unless the secret is given again.
    const moved = await appErrorOf(
      core.call('alerts.updateSettings', { webhook: { url: 'https://hooks.example.com/x' } }),
    )
    expect(moved.message).toContain('webhook.secret')

    const http = { ...inProcessContext(), caller: 'http' as const }
    const refused = await appErrorOf(
      core.call('alerts.updateSettings', { webhook: { url, secret: null } }, http),
    )
    expect(refused.code).toBe('fetch_target_forbidden')
    await core.call('settings.update', { patch: { fetchAllowedHosts: ['127.0.0.1'] } })
    await core.call('alerts.updateSettings', { webhook: { url, secret: null } }, http)
    expect((await core.call('alerts.getSettings', {})).webhook).toEqual({ url, hasSecret: false })
  })

  it('a URL an API caller set is held to the fetch rules at delivery: a refused target fails the alert', async () => {
    const { url, received } = await hookServer([200])
    const core = await setup()
    await core.call('settings.update', { patch: { fetchAllowedHosts: ['127.0.0.1'] } })
    await core.call(
      'alerts.updateSettings',
      { webhook: { url } },
      { ...inProcessContext(), caller: 'http' },
    )
    // The user takes the permission back: the next delivery is refused where it connects.
    await core.call('settings.update', { patch: { fetchAllowedHosts: [] } })
    await core.call('indicators.create', { value: 'c.evil-c2.net', tags: ['c2'] })
    await core.waitForIdle()
    expect(received).toHaveLength(0)
    const [a] = (await core.call('alerts.list', {})).items
    expect(a?.webhook).toMatchObject({ status: 'failed', attempts: 1 })
    expect(a?.webhook?.error).toMatch(/loopback/)
  })
})
