import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '#shared/contract/errors'
import type { EventName, EventPayload } from '#shared/contract'
import { createEventHub } from '#core/events/event-hub'
import { createJobRegistry, type JobControl, type JobRegistry } from '#core/jobs/job-registry'
import { createFixedClock } from '#core/platform/clock'
import { createMemoryLogger } from '#core/platform/logger'

const T0 = '2026-02-01T09:00:00.000Z'

/** A promise the test settles by hand: work that lasts exactly until the test says so. */
const gate = <T = void>() => {
  let open: (v: T) => void = () => {}
  let fail: (e: unknown) => void = () => {}
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve
    fail = reject
  })
  return { promise, open, fail }
}

const setup = (opts: { concurrency?: number; kept?: number; resultsKept?: number } = {}) => {
  const events = createEventHub()
  const clock = createFixedClock(T0)
  const seen: { name: EventName; payload: unknown }[] = []
  events.onAny((name, payload) => seen.push({ name, payload }))
  const jobs = createJobRegistry({ clock, events, logger: createMemoryLogger(), ...opts })
  const next = <E extends EventName>(name: E, match: (p: EventPayload<E>) => boolean) =>
    new Promise<EventPayload<E>>((resolve) => {
      const off = events.on(name, (p) => {
        if (match(p)) {
          off()
          resolve(p)
        }
      })
    })
  return { jobs, clock, seen, next }
}

const open: JobRegistry[] = []
afterEach(async () => {
  for (const j of open.splice(0)) await j.stop()
})
const track = <T extends { jobs: JobRegistry }>(s: T): T => {
  open.push(s.jobs)
  return s
}

describe('job registry', () => {
  it('runs a job, reports progress and keeps its result', async () => {
    const { jobs, clock, next } = track(setup())
    const step = gate()
    let control: JobControl | null = null
    const job = jobs.start('audit.verify', 'alice', async (c) => {
      control = c
      c.progress(0, 10)
      await step.promise
      c.progress(10, 10)
      return { ok: true, checked: 10, lastSeq: 10, brokenAt: null }
    })
    expect(job).toMatchObject({
      kind: 'audit.verify',
      status: 'running',
      actor: 'alice',
      createdAt: T0,
      startedAt: T0,
      finishedAt: null,
      progress: { done: 0, total: null },
    })
    await next('jobs.onDidProgress', (p) => p.job.progress.total === 10)
    expect(jobs.get(job.id)).toMatchObject({ status: 'running', result: null })
    expect(control).not.toBeNull()
    clock.advance(5000)
    const finished = next('jobs.onDidFinish', (p) => p.job.id === job.id)
    step.open()
    const { job: done } = await finished
    expect(done).toMatchObject({
      status: 'succeeded',
      finishedAt: '2026-02-01T09:00:05.000Z',
      progress: { done: 10, total: 10 },
      error: null,
    })
    expect(jobs.get(job.id)).toMatchObject({
      status: 'succeeded',
      result: { ok: true, checked: 10 },
    })
  })

  it('throttles progress events but always sends the last count', async () => {
    const { jobs, seen, next } = track(setup())
    const step = gate()
    const job = jobs.start('indicators.bulkCreate', 'bob', async (c) => {
      for (let i = 1; i <= 1000; i++) c.progress(i, 1000)
      await step.promise
      return null
    })
    // The burst above fits in one interval: one event at start, then the deferred last count.
    const last = await next('jobs.onDidProgress', (p) => p.job.progress.done === 1000)
    expect(last.job.progress).toEqual({ done: 1000, total: 1000 })
    const progressEvents = seen.filter((e) => e.name === 'jobs.onDidProgress')
    expect(progressEvents.length).toBeLessThan(5)
    step.open()
    await jobs.settled(job.id)
  })

  it('a failing job keeps the error as the method would have answered', async () => {
    const { jobs } = track(setup())
    const failed = jobs.start('audit.export', 'carol', () =>
      Promise.reject(new AppError('invalid_input', 'since: not a time', { field: 'since' })),
    )
    expect(await jobs.settled(failed.id)).toMatchObject({
      status: 'failed',
      result: null,
      error: { code: 'invalid_input', message: 'since: not a time', details: { field: 'since' } },
    })
    const crashed = jobs.start('audit.export', 'carol', () => Promise.reject(new Error('boom')))
    expect(await jobs.settled(crashed.id)).toMatchObject({
      status: 'failed',
      error: { code: 'internal', message: 'Internal error in audit.export' },
    })
  })

  it('cancels a running job through its signal, a queued one at once, and refuses a finished one', async () => {
    const { jobs } = track(setup({ concurrency: 1 }))
    const running = jobs.start('indicators.bulkCreate', 'dave', (c) => {
      return new Promise((_resolve, reject) => {
        c.signal.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError')))
      })
    })
    const queuedWork = gate<string>()
    let queuedRan = false
    const queued = jobs.start('audit.verify', 'dave', async () => {
      queuedRan = true
      return queuedWork.promise
    })
    expect(queued.status).toBe('queued')
    expect(jobs.cancel(queued.id).status).toBe('cancelled')
    expect(jobs.cancel(running.id).status).toBe('running')
    expect(await jobs.settled(running.id)).toMatchObject({
      status: 'cancelled',
      error: { code: 'cancelled' },
    })
    expect(await jobs.settled(queued.id)).toMatchObject({
      status: 'cancelled',
      startedAt: null,
      error: { code: 'cancelled', message: 'audit.verify was cancelled before it started' },
    })
    expect(queuedRan).toBe(false)
    expect(() => jobs.cancel(running.id)).toThrow(
      expect.objectContaining({ code: 'conflict' }) as Error,
    )
  })

  it('runs at most `concurrency` jobs and starts the next when one finishes', async () => {
    const { jobs } = track(setup({ concurrency: 1 }))
    const first = gate<number>()
    const a = jobs.start('audit.verify', 'erin', () => first.promise)
    const b = jobs.start('audit.verify', 'erin', async () => 2)
    expect(jobs.get(b.id).status).toBe('queued')
    first.open(1)
    expect(await jobs.settled(b.id)).toMatchObject({ status: 'succeeded', result: 2 })
    expect(jobs.get(a.id)).toMatchObject({ status: 'succeeded', result: 1 })
  })

  it('lists newest first with filters, keeps a bounded number of finished jobs, and forgets the rest', async () => {
    const { jobs, clock } = track(setup({ kept: 3 }))
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      clock.advance(1000)
      const kind = i % 2 === 0 ? 'audit.verify' : 'audit.export'
      const j = jobs.start(kind, 'fay', async () => i)
      ids.push(j.id)
      await jobs.settled(j.id)
    }
    const all = jobs.list({ limit: 100 })
    expect(all.map((j) => j.id)).toEqual([ids[4], ids[3], ids[2]])
    expect(jobs.list({ kind: 'audit.export', limit: 100 }).map((j) => j.id)).toEqual([ids[3]])
    expect(jobs.list({ status: 'running', limit: 100 })).toEqual([])
    expect(jobs.list({ limit: 1 }).map((j) => j.id)).toEqual([ids[4]])
    expect(() => jobs.get(ids[0])).toThrow(expect.objectContaining({ code: 'not_found' }) as Error)
  })

  it('lets go of the oldest results past its bound and says so', async () => {
    const { jobs } = track(setup({ resultsKept: 2 }))
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const j = jobs.start('audit.export', 'hal', async () => ({ n: i }))
      ids.push(j.id)
      await jobs.settled(j.id)
    }
    expect(jobs.get(ids[0])).toMatchObject({
      status: 'succeeded',
      result: null,
      resultExpired: true,
    })
    expect(jobs.get(ids[1])).toMatchObject({ result: { n: 1 }, resultExpired: false })
    expect(jobs.get(ids[2])).toMatchObject({ result: { n: 2 }, resultExpired: false })
  })

  it('stop cancels what runs and refuses new jobs', async () => {
    const { jobs } = setup()
    const j = jobs.start('audit.verify', 'gus', (c) => {
      return new Promise((_resolve, reject) => {
        c.signal.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError')))
      })
    })
    await jobs.stop()
    expect(jobs.get(j.id).status).toBe('cancelled')
    expect(() => jobs.start('audit.verify', 'gus', async () => null)).toThrow(
      expect.objectContaining({ code: 'cancelled' }) as Error,
    )
  })
})
