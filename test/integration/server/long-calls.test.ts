import { once } from 'node:events'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventName, EventPayload, RpcResult } from '#shared/contract'
import type { FeedRun } from '#shared/contract/feeds.contract'
import type { Job, JobDetail } from '#shared/contract/jobs.contract'
import { serve, startFixtureServer, type FixtureServer } from '../../support/fixture-server'
import { startTestServer, type TestServer } from './http-support'

// The server's timeouts are one second here; the trickling import below takes several. A call that is
// still working must keep its connection, a non-waiting call answers at once, and a client that goes away
// does not cancel the import it started.

const TIMEOUT_MS = 1000
const DRIP_MS = 400
/** Each chunk holds lines of one /24 so every import is told apart by its third octet. */
const chunksOf = (octet: number): string[] =>
  Array.from(
    { length: 8 },
    (_, i) => `198.51.${octet}.${i * 10 + 1}\n198.51.${octet}.${i * 10 + 2}\n`,
  )
/** What the drip takes at the least: longer than both of the server's timeouts. */
const DRIP_TOTAL_MS = 8 * DRIP_MS

let t: TestServer
let base: string
let fixture: FixtureServer

beforeAll(async () => {
  t = await startTestServer({
    requestTimeoutMs: TIMEOUT_MS,
    connectionTimeoutMs: TIMEOUT_MS,
    // Node checks requests against requestTimeout on this interval: often enough to cut one mid-test.
    requestCheckIntervalMs: 100,
  })
  base = await t.server.listen()
  // The fixture lives on 127.0.0.1, which calls over HTTP may fetch from only once the user allowed it.
  await t.core.call('settings.update', { patch: { fetchAllowedHosts: ['127.0.0.1'] } })
  fixture = await startFixtureServer()
  for (const octet of [1, 2, 3, 4]) {
    fixture.route(`/slow-${octet}.txt`, serve.drip(chunksOf(octet), DRIP_MS))
  }
})
afterAll(async () => {
  await t.close()
  await fixture.close()
})

const rpc = async <T>(
  method: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<{ status: number; body: RpcResult<T> }> => {
  const res = await fetch(`${base}/api/rpc/${method}`, {
    method: 'POST',
    headers: { ...t.auth, 'content-type': 'application/json' },
    body: JSON.stringify(input),
    signal,
  })
  return { status: res.status, body: (await res.json()) as RpcResult<T> }
}

const valueOf = <T>(r: { body: RpcResult<T> }): T => {
  if (!r.body.ok) throw new Error(`call failed: ${JSON.stringify(r.body.error)}`)
  return r.body.value
}

/** The next event of that name the core emits that `match` accepts. */
const nextEvent = <E extends EventName>(
  name: E,
  match: (p: EventPayload<E>) => boolean,
): Promise<EventPayload<E>> =>
  new Promise((resolve) => {
    const off = t.core.events.on(name, (p) => {
      if (!match(p)) return
      off()
      resolve(p)
    })
  })

const lookup = (value: string) => t.core.call('indicators.lookup', { value })

describe('long calls over HTTP', () => {
  it('a waiting import longer than the server timeouts still gets its answer', async () => {
    const started = performance.now()
    const r = await rpc<FeedRun>('feeds.importUrl', {
      url: fixture.url('/slow-1.txt'),
      format: 'text',
    })
    const elapsed = performance.now() - started
    expect(r.status).toBe(200)
    const run = valueOf(r)
    expect(run).toMatchObject({ status: 'succeeded', created: 16, rejected: 0 })
    expect(elapsed).toBeGreaterThan(DRIP_TOTAL_MS - DRIP_MS)
    expect(elapsed).toBeGreaterThan(2 * TIMEOUT_MS)
  })

  it('a non-waiting import answers at once; status and events follow it to the finished run', async () => {
    const progress: EventPayload<'feeds.onDidProgress'>[] = []
    const off = t.core.events.on('feeds.onDidProgress', (p) => progress.push(p))
    const r = await rpc<FeedRun>('feeds.importUrl', {
      url: fixture.url('/slow-2.txt'),
      format: 'text',
      wait: false,
    })
    const run = valueOf(r)
    expect(['queued', 'running']).toContain(run.status)
    const finished = nextEvent('feeds.onDidFinishRun', (p) => p.run.id === run.id)
    // While it downloads (the drip has seconds to go), the status call says it is running.
    await nextEvent('feeds.onDidProgress', (p) => p.runId === run.id)
    const midway = valueOf(await rpc<FeedRun>('feeds.getRun', { id: run.id }))
    expect(midway).toMatchObject({ status: 'running', finishedAt: null })
    const done = await finished
    off()
    expect(done.run).toMatchObject({ id: run.id, status: 'succeeded', created: 16 })
    expect(progress.filter((p) => p.runId === run.id).length).toBeGreaterThan(1)
    const detail = valueOf(await rpc<FeedRun>('feeds.getRun', { id: run.id }))
    expect(detail).toMatchObject({ status: 'succeeded', created: 16 })
  })

  it('a client that disconnects mid-import does not cancel it', async () => {
    const client = new AbortController()
    const started = nextEvent('feeds.onDidProgress', (p) => p.feedId === null)
    const pending = rpc(
      'feeds.importUrl',
      {
        url: fixture.url('/slow-3.txt'),
        format: 'text',
      },
      client.signal,
    ).catch((e: unknown) => e)
    const { runId } = await started
    const finished = nextEvent('feeds.onDidFinishRun', (p) => p.run.id === runId)
    client.abort()
    expect(await pending).toBeInstanceOf(Error)
    const { run } = await finished
    expect(run).toMatchObject({ status: 'succeeded', created: 16 })
    expect(await lookup('198.51.3.71')).not.toBeNull()
  })

  it('the REST import route waits as long as the import takes too', async () => {
    const res = await fetch(`${base}/api/v1/feeds/import-url`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ url: fixture.url('/slow-4.txt'), format: 'text' }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'succeeded', created: 16 })
  })

  it('a job started over HTTP answers at once and is followed by events and jobs.get', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `host${i}.jobs.example`).join('\n')
    const progressed: Job[] = []
    const off = t.core.events.on('jobs.onDidProgress', (p) => progressed.push(p.job))
    const r = await rpc<Job>('jobs.start', { kind: 'indicators.bulkCreate', input: { text } })
    const job = valueOf(r)
    expect(job).toMatchObject({
      kind: 'indicators.bulkCreate',
      status: 'running',
      finishedAt: null,
    })
    const { job: finished } = await nextEvent('jobs.onDidFinish', (p) => p.job.id === job.id)
    off()
    expect(finished.status).toBe('succeeded')
    expect(progressed.some((j) => j.id === job.id)).toBe(true)
    const detail = valueOf(await rpc<JobDetail>('jobs.get', { id: job.id }))
    expect(detail).toMatchObject({ status: 'succeeded', progress: { done: 5000, total: 5000 } })
    expect(detail.kind === 'indicators.bulkCreate' && detail.result?.created).toBe(5000)
    // Over REST with the seed API's names.
    const rest = await fetch(`${base}/api/v1/jobs/${job.id}`, { headers: t.auth })
    expect(await rest.json()).toMatchObject({
      id: job.id,
      status: 'succeeded',
      finished_at: expect.any(String),
    })
  })

  it('REST starts a job (202), reads it with the seed API names, and refuses to cancel a finished one', async () => {
    await t.core.call('projects.create', { name: 'Exported by a job' })
    const res = await fetch(`${base}/api/v1/jobs`, {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'audit.export', input: { format: 'json', entity: 'project' } }),
    })
    expect(res.status).toBe(202)
    const job = (await res.json()) as { id: string; status: string; created_at: string }
    expect(job).toMatchObject({ status: 'running', created_at: expect.any(String) })
    await t.core.jobs.settled(job.id)
    const got = await fetch(`${base}/api/v1/jobs/${job.id}`, { headers: t.auth })
    const detail = (await got.json()) as { status: string; result: { count: number } }
    expect(detail.status).toBe('succeeded')
    expect(detail.result.count).toBeGreaterThan(0)
    const list = await fetch(`${base}/api/v1/jobs?kind=audit.export`, { headers: t.auth })
    expect(((await list.json()) as { items: { id: string }[] }).items[0]?.id).toBe(job.id)
    const cancel = await fetch(`${base}/api/v1/jobs/${job.id}/cancel`, {
      method: 'POST',
      headers: t.auth,
    })
    expect(cancel.status).toBe(409)
  })

  /** Opens a raw connection and sends request headers announcing a body of 100 bytes, and its first byte. */
  const openSlowRequest = async () => {
    const port = Number(new URL(base).port)
    const socket = connect(port, '127.0.0.1')
    await once(socket, 'connect')
    socket.write(
      `POST /api/rpc/system.info HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${t.auth.authorization}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
    )
    let received = ''
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')))
    return { socket, received: () => received }
  }

  it('a client that stalls before its request is complete is still cut off', async () => {
    const { socket } = await openSlowRequest()
    // The body never comes: the idle timer closes the socket.
    await once(socket, 'close')
  })

  it('a client that trickles its request is cut off at the request timeout', async () => {
    const { socket, received } = await openSlowRequest()
    // A byte well inside every idle interval: only the whole-request deadline can end this.
    const trickle = setInterval(() => socket.write(' '), TIMEOUT_MS / 4)
    try {
      await once(socket, 'close')
    } finally {
      clearInterval(trickle)
    }
    expect(received()).toMatch(/^HTTP\/1\.1 408/)
  })
})
