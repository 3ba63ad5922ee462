import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '#core/create-core'
import { createAuditService } from '#core/audit/audit.service'
import type { CallContext } from '#core/rpc/handlers'
import { openCore, type TestCore } from '../../../support/test-core'

const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose()
})
const open = async (): Promise<Core> => {
  const c = await openCore()
  cores.push(c)
  return c.core
}

const http: CallContext = {
  caller: 'http',
  actor: 'api:0123456789ab',
  signal: new AbortController().signal,
}

/** `n` change log entries (one per created project). */
const seedLog = async (core: Core, n: number) => {
  for (let i = 0; i < n; i++) await core.call('projects.create', { name: `P${i}` })
}

describe('jobs in the core', () => {
  it('runs indicators.bulkCreate as a job: result, progress and the caller in the change log', async () => {
    const core = await open()
    const text = Array.from({ length: 2500 }, (_, i) => `job${i}.example.net`).join('\n')
    const job = await core.call(
      'jobs.start',
      { kind: 'indicators.bulkCreate', input: { text } },
      http,
    )
    expect(job).toMatchObject({ status: 'running', actor: 'api:0123456789ab' })
    const done = await core.jobs.settled(job.id)
    expect(done.status).toBe('succeeded')
    expect(done.progress).toEqual({ done: 2500, total: 2500 })
    expect(done.kind === 'indicators.bulkCreate' && done.result?.created).toBe(2500)
    const [entry] = (await core.call('audit.list', { entity: 'indicator', limit: 1 })).items
    expect(entry).toMatchObject({
      method: 'indicators.bulkCreate',
      transport: 'http',
      actor: 'api:0123456789ab',
      operation: 'import',
    })
    const fetched = await core.call('jobs.get', { id: job.id })
    expect(fetched).toMatchObject({ id: job.id, status: 'succeeded' })
    const listed = await core.call('jobs.list', { kind: 'indicators.bulkCreate' })
    expect(listed.items.map((j) => j.id)).toEqual([job.id])
  })

  it('a job cancelled before its work began writes nothing', async () => {
    const core = await open()
    const job = await core.call('jobs.start', {
      kind: 'indicators.bulkCreate',
      input: { text: 'never.example.net' },
    })
    const cancelled = await core.call('jobs.cancel', { id: job.id })
    expect(cancelled.id).toBe(job.id)
    expect(await core.jobs.settled(job.id)).toMatchObject({
      status: 'cancelled',
      error: { code: 'cancelled' },
    })
    expect(await core.call('indicators.lookup', { value: 'never.example.net' })).toBeNull()
  })

  it('a job with bad input fails as the call would, naming the field', async () => {
    const core = await open()
    await expect(
      core.call('jobs.start', { kind: 'audit.export', input: { since: 'yesterday' } }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('since') })
    const job = await core.call('jobs.start', {
      kind: 'indicators.bulkCreate',
      input: { text: 'x.example', defaults: { projectId: '00000000-0000-4000-8000-00000000000a' } },
    })
    expect(await core.jobs.settled(job.id)).toMatchObject({
      status: 'failed',
      result: null,
      error: { code: 'invalid_input' },
    })
  })

  it('waitForIdle and stop wait for running jobs', async () => {
    const core = await open()
    await seedLog(core, 3)
    const job = await core.call('jobs.start', { kind: 'audit.verify', input: {} })
    await core.waitForIdle()
    expect(core.jobs.get(job.id)).toMatchObject({
      status: 'succeeded',
      result: { ok: true, checked: 3 },
      progress: { done: 3, total: 3 },
    })
  })
})

describe('the change log scans a page at a time', () => {
  it('verify reports progress page by page and finds the same answer', async () => {
    const core = await open()
    await seedLog(core, 7)
    const seen: [number, number | null][] = []
    const audit = createAuditService(core)
    const r = await audit.verify({ pageSize: 3, progress: (d, t) => seen.push([d, t]) })
    expect(r).toEqual({ ok: true, checked: 7, lastSeq: 7, brokenAt: null })
    expect(seen).toEqual([
      [3, 7],
      [6, 7],
      [7, 7],
    ])
  })

  it('verify stops when cancelled between pages', async () => {
    const core = await open()
    await seedLog(core, 5)
    const controller = new AbortController()
    const audit = createAuditService(core)
    const pending = audit.verify({
      pageSize: 2,
      signal: controller.signal,
      progress: () => controller.abort(),
    })
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('export pages oldest first and cuts at its cap, saying so', async () => {
    const core = await open()
    await seedLog(core, 7)
    const capped = createAuditService(core, 5)
    const cut = await capped.export({}, 'json', { pageSize: 2 })
    expect(cut).toMatchObject({ count: 5, truncated: true })
    const seqs = (JSON.parse(cut.content) as { seq: number }[]).map((e) => e.seq)
    expect(seqs).toEqual([1, 2, 3, 4, 5])
    const exact = await createAuditService(core, 7).export({}, 'csv', { pageSize: 2 })
    expect(exact).toMatchObject({ count: 7, truncated: false })
    const filtered = await capped.export({ until: '2000-01-01T00:00:00Z' }, 'csv', { pageSize: 2 })
    expect(filtered).toMatchObject({ count: 0, truncated: false })
  })
})
