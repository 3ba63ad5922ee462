import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { EventHub } from '#core'
import { EVENTS_PATH } from './guards'
import { API_CACHE_CONTROL, SECURITY_HEADERS } from './security-headers'

export type EventsRouteOptions = {
  /** A comment line every so often keeps proxies and idle-socket timeouts from closing a quiet stream. */
  heartbeatMs: number
  /** A client that stops reading is dropped once this much is queued for it, instead of growing memory. */
  maxBufferedBytes: number
}

/**
 * `GET /api/events`: the core's events as Server-Sent Events. The stream opens with a `: ready` comment sent
 * after the subscription exists, so a client (or a test) that waits for it cannot miss an event.
 */
export const registerEventsRoute = (
  app: FastifyInstance,
  events: EventHub,
  opts: EventsRouteOptions,
): { openStreams(): number } => {
  const open = new Set<() => void>()

  app.get(EVENTS_PATH, (_req, reply) => {
    reply.hijack()
    const res: ServerResponse = reply.raw
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': API_CACHE_CONTROL,
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    let closed = false
    const send = (chunk: string) => {
      if (closed) return
      if (res.writableLength > opts.maxBufferedBytes) {
        close()
        return
      }
      res.write(chunk)
    }
    const unsubscribe = events.onAny((name, payload) => {
      // JSON.stringify escapes newlines, so one `data:` line always holds the whole payload.
      send(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)
    })
    const heartbeat = setInterval(() => send(': ping\n\n'), opts.heartbeatMs)
    heartbeat.unref()
    const close = () => {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      unsubscribe()
      open.delete(close)
      if (!res.writableEnded) res.end()
    }
    res.on('close', close)
    open.add(close)
    send('retry: 3000\n: ready\n\n')
  })

  // Streams never finish on their own; without this, closing the server would wait for every client.
  app.addHook('preClose', async () => {
    for (const close of [...open]) close()
  })
  return { openStreams: () => open.size }
}
