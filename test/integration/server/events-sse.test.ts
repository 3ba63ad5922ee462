import type { IncomingMessage, ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './http-support'

let t: TestServer
let base: string
/** One per /api/events request, settled when the server has seen its response close (and unsubscribed it). */
const streamsOnServer: Promise<void>[] = []
const allStreamsClosedOnServer = () => Promise.all(streamsOnServer)

beforeAll(async () => {
  t = await startTestServer()
  // A second 'request' listener beside fastify's: it sees the same response object, and its 'close' runs
  // the route's own close handler before this promise's continuation.
  t.server.app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/api/events')) {
      streamsOnServer.push(new Promise((closed) => res.on('close', () => closed())))
    }
  })
  base = await t.server.listen()
})
afterAll(async () => {
  await t.close()
})

type SseMessage = { event?: string; data?: string; comment?: string }

/** Reads an SSE body message by message (blank-line separated), as EventSource would. */
const sseReader = (body: ReadableStream<Uint8Array>) => {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  return {
    next: async (): Promise<SseMessage | null> => {
      for (;;) {
        const end = buffer.indexOf('\n\n')
        if (end !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const msg: SseMessage = {}
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) msg.comment = line.slice(1).trim()
            else if (line.startsWith('event: ')) msg.event = line.slice(7)
            else if (line.startsWith('data: ')) msg.data = line.slice(6)
          }
          return msg
        }
        const { value, done } = await reader.read()
        if (done) return null
        buffer += decoder.decode(value, { stream: true })
      }
    },
    cancel: () => reader.cancel(),
  }
}

const untilReady = async (r: ReturnType<typeof sseReader>) => {
  for (;;) {
    const m = await r.next()
    if (m === null) throw new Error('stream ended before ready')
    if (m.comment === 'ready') return
  }
}

describe('GET /api/events', () => {
  it('streams the event of an indicator created over HTTP (token in the query)', async () => {
    const controller = new AbortController()
    const res = await fetch(`${base}/api/events?token=${t.token}`, { signal: controller.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    const sse = sseReader(res.body as ReadableStream<Uint8Array>)
    await untilReady(sse)

    const created = await fetch(`${base}/api/rpc/indicators.create`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ value: '203.0.113.77' }),
    })
    const { value } = (await created.json()) as { value: { id: string } }

    let msg: SseMessage | null
    do msg = await sse.next()
    while (msg !== null && msg.event !== 'indicators.onDidChange')
    expect(msg?.event).toBe('indicators.onDidChange')
    const payload = JSON.parse(msg?.data ?? 'null') as { kind: string; ids?: string[] }
    expect(payload.kind).toBe('created')
    expect(payload.ids).toEqual([value.id])
    controller.abort()
  })

  it('accepts the bearer header as well and refuses a wrong query token', async () => {
    const wrong = await fetch(`${base}/api/events?token=not-it`)
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ code: 'unauthorized' })
    const controller = new AbortController()
    const ok = await fetch(`${base}/api/events`, { headers: t.auth, signal: controller.signal })
    expect(ok.status).toBe(200)
    controller.abort()
  })

  it('unsubscribes a client that disconnects: later events still reach the others', async () => {
    // Streams aborted by the tests above close asynchronously on the server.
    await allStreamsClosedOnServer()
    expect(t.server.openEventStreams()).toBe(0)
    const gone = new AbortController()
    const first = await fetch(`${base}/api/events`, { headers: t.auth, signal: gone.signal })
    await untilReady(sseReader(first.body as ReadableStream<Uint8Array>))
    expect(t.server.openEventStreams()).toBe(1)
    gone.abort()
    await allStreamsClosedOnServer()
    expect(t.server.openEventStreams()).toBe(0)

    const stays = new AbortController()
    const second = await fetch(`${base}/api/events`, { headers: t.auth, signal: stays.signal })
    const sse = sseReader(second.body as ReadableStream<Uint8Array>)
    await untilReady(sse)
    await t.core.call('settings.update', { patch: { theme: 'dark' } })
    let msg: SseMessage | null
    do msg = await sse.next()
    while (msg !== null && msg.event !== 'settings.onDidChange')
    expect(JSON.parse(msg?.data ?? 'null')).toMatchObject({ theme: 'dark' })
    stays.abort()
  })

  it('ends open streams when the server closes', async () => {
    const other = await startTestServer()
    const url = await other.server.listen()
    const res = await fetch(`${url}/api/events`, { headers: other.auth })
    const sse = sseReader(res.body as ReadableStream<Uint8Array>)
    await untilReady(sse)
    await other.close()
    // After close the stream must end rather than hang.
    let msg: SseMessage | null
    do msg = await sse.next()
    while (msg !== null)
    expect(msg).toBeNull()
  })
})
