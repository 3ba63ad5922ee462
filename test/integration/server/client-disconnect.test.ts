import { once } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { createEventHub } from '#core/events/event-hub'
import { createHttpServer } from '#server/server'
import { createMemoryLogger } from '#core/platform/logger'
import type { Dispatch } from '#core/rpc/dispatch'
import type { CallContext } from '#core/rpc/handlers'

const TOKEN = 'k'.repeat(43)

/** A dispatcher that holds every call until its signal aborts, reporting what it saw. */
const holdingDispatch = () => {
  let started: (ctx: CallContext) => void = () => {}
  let aborted: () => void = () => {}
  const calls = {
    started: new Promise<CallContext>((r) => (started = r)),
    aborted: new Promise<void>((r) => (aborted = r)),
  }
  const dispatch: Dispatch = (_method, _input, ctx) =>
    new Promise((resolve) => {
      started(ctx)
      ctx.signal.addEventListener('abort', () => {
        aborted()
        resolve({ ok: false, error: { code: 'cancelled', message: 'cancelled' } })
      })
    })
  return { dispatch, calls }
}

describe('client disconnect', () => {
  it('aborts a read when the client goes away mid-request', async () => {
    const { dispatch, calls } = holdingDispatch()
    const server = createHttpServer({
      core: { dispatch, events: createEventHub() },
      token: TOKEN,
      logger: createMemoryLogger(),
    })
    const base = await server.listen()
    try {
      const client = new AbortController()
      const pending = fetch(`${base}/api/rpc/indicators.search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ q: '203.0.113.1' }),
        signal: client.signal,
      }).catch((e: unknown) => e)
      const ctx = await calls.started
      expect(ctx.caller).toBe('http')
      expect(ctx.signal.aborted).toBe(false)
      client.abort()
      await calls.aborted
      expect(ctx.signal.aborted).toBe(true)
      expect(await pending).toBeInstanceOf(Error)
    } finally {
      await server.close()
    }
  })

  it('lets a change run on when its client goes away', async () => {
    let started: (ctx: CallContext) => void = () => {}
    const seen = new Promise<CallContext>((r) => (started = r))
    let release: () => void = () => {}
    const released = new Promise<void>((r) => (release = r))
    const dispatch: Dispatch = async (_m, _i, ctx) => {
      started(ctx)
      await released
      return { ok: true, value: ctx.signal.aborted }
    }
    const server = createHttpServer({
      core: { dispatch, events: createEventHub() },
      token: TOKEN,
      logger: createMemoryLogger(),
    })
    const closedOnServer: Promise<unknown>[] = []
    server.app.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      closedOnServer.push(once(res, 'close'))
    })
    const base = await server.listen()
    try {
      const client = new AbortController()
      const pending = fetch(`${base}/api/rpc/indicators.bulkCreate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: '203.0.113.1' }),
        signal: client.signal,
      }).catch((e: unknown) => e)
      const ctx = await seen
      expect(ctx.caller).toBe('http')
      client.abort()
      expect(await pending).toBeInstanceOf(Error)
      // The server has seen the response close: a read would have been aborted by now.
      await Promise.all(closedOnServer)
      expect(ctx.signal.aborted).toBe(false)
      release()
    } finally {
      release()
      await server.close()
    }
  })

  it('leaves the signal alone once the answer is sent', async () => {
    let seen: CallContext | null = null
    const dispatch: Dispatch = async (_m, _i, ctx) => {
      seen = ctx
      return { ok: true, value: 1 }
    }
    const server = createHttpServer({
      core: { dispatch, events: createEventHub() },
      token: TOKEN,
      logger: createMemoryLogger(),
    })
    const base = await server.listen()
    try {
      const res = await fetch(`${base}/api/rpc/system.info`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      })
      expect(await res.json()).toEqual({ ok: true, value: 1 })
      expect((seen as CallContext | null)?.signal.aborted).toBe(false)
    } finally {
      await server.close()
    }
  })
})
