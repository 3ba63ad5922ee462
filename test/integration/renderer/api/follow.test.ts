import { afterEach, describe, expect, it } from 'vitest'
import type { Bridge } from '#shared/bridge'
import type { EventName } from '#shared/contract'
import type { Core } from '#core/create-core'
import { ApiError, createClient, type Client } from '../../../../src/renderer/src/api/client'
import { followRun, runAsJob } from '../../../../src/renderer/src/api/follow'
import { createIpcTransport } from '../../../../src/renderer/src/api/transports/ipc'
import { openCore, type TestCore } from '../../../support/test-core'

// The renderer's follow helpers against a real core, through the renderer's own IPC transport over a bridge
// of the preload's shape (as the e2e IPC harness does, without the browser).

const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose()
})

const clientOf = (core: Core): Client => {
  const bridge: Bridge = {
    invoke: (method, input) =>
      core.dispatch(method, input, {
        caller: 'ipc',
        actor: 'tester',
        signal: new AbortController().signal,
      }),
    on: (event, listener) => core.events.on(event as EventName, listener),
  }
  return createClient(createIpcTransport(bridge))
}

const open = async () => {
  const c = await openCore()
  cores.push(c)
  return { core: c.core, client: clientOf(c.core) }
}

describe('following long work from the renderer', () => {
  it('follows a run started without waiting to its finished state and detail', async () => {
    const { client } = await open()
    const started = await client.call('feeds.importText', {
      content: 'followed.example.org\nfollowed-too.example.org\n',
      fileName: 'followed.txt',
      format: 'text',
      wait: false,
    })
    expect(started.status).toBe('queued')
    const run = await followRun(client, started.id)
    expect(run).toMatchObject({ id: started.id, status: 'succeeded', created: 2, rejected: 0 })
    // The run's detail (feeds.getRun), with its reject list.
    expect(run.rejects).toEqual([])
  })

  it('answers at once for a run that finished before it was followed', async () => {
    const { core, client } = await open()
    const done = await core.call('feeds.importText', {
      content: 'early.example.org\n',
      fileName: 'early.txt',
      format: 'text',
    })
    expect(await followRun(client, done.id)).toMatchObject({ status: 'succeeded', created: 1 })
  })

  it('runs a method as a job and returns its output', async () => {
    const { core, client } = await open()
    await core.call('projects.create', { name: 'Logged' })
    const verdict = await runAsJob(client, 'audit.verify', {})
    expect(verdict).toEqual({ ok: true, checked: 1, lastSeq: 1, brokenAt: null })
    const exported = await runAsJob(client, 'audit.export', { format: 'json' })
    expect(exported).toMatchObject({ format: 'json', count: 1, truncated: false })
  })

  it("throws a failed job's error as the call's own", async () => {
    const { client } = await open()
    const failing = runAsJob(client, 'indicators.bulkCreate', {
      text: 'x.example.org',
      defaults: { projectId: '00000000-0000-4000-8000-00000000000a' },
    })
    await expect(failing).rejects.toBeInstanceOf(ApiError)
    await expect(failing).rejects.toMatchObject({ code: 'invalid_input' })
  })
})
