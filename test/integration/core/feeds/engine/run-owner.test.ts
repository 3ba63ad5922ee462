import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spoolDir } from '#core/feeds/engine/spool'
import {
  startFixtureServer,
  type FixtureServer,
  type Handler,
} from '../../../../support/fixture-server'
import { openCore, type TestCore } from '../../../../support/test-core'
import type { Clock } from '#core/platform/clock'
import type { createMemoryLogger } from '#core/platform/logger'
import { exitOf, runCli, spawnCli } from '../../../cli/cli-support'

// Several processes on one data directory: a CLI import runs while the desktop app or `serve` starts. Each
// run records its owner (pid, instance, host) and a heartbeat; a starting process closes only the runs
// whose owner is gone. The owners here are real child processes (the CLI from source).

type RunRow = {
  id: string
  status: string
  error: string | null
  owner_pid: number | null
  owner_instance: string | null
  owner_host: string | null
  heartbeat_at: string | null
}

/** A response that sends its first lines, then holds until released: a download still under way. */
const heldList = () => {
  let release = () => undefined as void
  const released = new Promise<void>((r) => {
    release = r
  })
  const handler: Handler = async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    // Past the first bytes the fetcher and the format check peek at, so the run starts staging.
    res.write(`198.51.100.1\n198.51.100.2\n${'# held\n'.repeat(20_000)}`)
    await released
    res.end('198.51.100.3\n')
  }
  return { handler, release }
}

/** Polls `read` until it returns a value (not undefined), failing after `ms`. */
const until = async <T>(what: string, read: () => T | undefined, ms = 30_000): Promise<T> => {
  const deadline = Date.now() + ms
  for (;;) {
    const v = read()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

const readRuns = (dataDir: string): RunRow[] => {
  const file = join(dataDir, 'threateye.sqlite')
  if (!existsSync(file)) return []
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    const hasTable = db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'feed_runs'`)
      .get()
    if (!hasTable) return []
    return db
      .prepare(
        'SELECT id, status, error, owner_pid, owner_instance, owner_host, heartbeat_at FROM feed_runs',
      )
      .all() as RunRow[]
  } catch {
    return [] // still being created by the child (no migrations table yet)
  } finally {
    db.close()
  }
}

const spools = (dataDir: string): string[] =>
  existsSync(spoolDir(dataDir)) ? readdirSync(spoolDir(dataDir)) : []

/** The CLI importing the held URL: resolves once its run is running and its download is staged. */
const startCliImport = async (
  dataDir: string,
  url: string,
): Promise<{ child: ChildProcess; run: RunRow; spool: string; output: Promise<string> }> => {
  const child = spawnCli(['import', url, '--format', 'txt', '--json', '--data-dir', dataDir])
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const output = exitOf(child).then((code) => {
    if (code !== 0) throw new Error(`CLI import exited ${code}: ${stderr}`)
    return stdout
  })
  output.catch(() => undefined)
  const spool = await until('the staged download', () => {
    if (child.exitCode !== null) throw new Error(`CLI import exited early: ${stderr}`)
    return spools(dataDir)[0]
  })
  const run = await until('the running run', () =>
    readRuns(dataDir).find((r) => r.status === 'running' && spool === `run-${r.id}.spool`),
  )
  return { child, run, spool, output }
}

describe('runs shared by several processes', () => {
  let dataDir: string
  let srv: FixtureServer
  let second: TestCore | null = null
  const children: ChildProcess[] = []

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'te-owner-'))
    srv = await startFixtureServer()
  })
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
    await second?.core.stop()
    second = null
    await srv.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('leaves a live CLI import alone when another core starts on the same data, and it finishes', async () => {
    const held = heldList()
    srv.route('/list.txt', held.handler)
    const cli = await startCliImport(dataDir, srv.url('/list.txt'))
    children.push(cli.child)
    expect(cli.run).toMatchObject({
      owner_pid: cli.child.pid,
      owner_host: hostname(),
    })
    expect(cli.run.owner_instance).toMatch(/^[0-9a-f-]{36}$/)
    expect(Date.parse(cli.run.heartbeat_at ?? '')).not.toBeNaN()

    // The desktop app or `serve` starting: its recovery runs while the CLI's download is still held.
    second = await openCore({ dir: dataDir, start: true })
    const seen = await second.core.call('feeds.getRun', { id: cli.run.id })
    expect(seen.status).toBe('running')
    expect(existsSync(join(spoolDir(dataDir), cli.spool))).toBe(true)

    held.release()
    const report = JSON.parse(await cli.output) as { status: string; created: number }
    expect(report).toMatchObject({ status: 'succeeded', created: 3 })
    const after = await second.core.call('feeds.getRun', { id: cli.run.id })
    expect(after).toMatchObject({ status: 'succeeded', created: 3, error: null })
    expect(await second.core.call('indicators.count', {})).toEqual({ total: 3 })
  })

  it('closes a killed CLI import as interrupted on the next start, CLI or core, and drops its spool', async () => {
    srv.route('/list.txt', heldList().handler)
    const cli = await startCliImport(dataDir, srv.url('/list.txt'))
    children.push(cli.child)
    cli.child.kill('SIGKILL')
    await exitOf(cli.child)
    expect(readRuns(dataDir).find((r) => r.id === cli.run.id)?.status).toBe('running')

    // The next CLI command closes it: its owner (a CLI process) has exited.
    const history = await runCli(['feeds', 'history', '--json', '--data-dir', dataDir])
    expect(history.code, history.stderr).toBe(0)
    const runs = JSON.parse(history.stdout) as { id: string; status: string; error: string }[]
    const closed = runs.find((r) => r.id === cli.run.id)
    expect(closed?.status).toBe('failed')
    expect(closed?.error).toMatch(/^Interrupted/)
    expect(history.stderr).toMatch(/closed as interrupted/)
    expect(spools(dataDir)).toEqual([])

    // A core starting later finds nothing left to close.
    second = await openCore({ dir: dataDir, start: true })
    const finishes = await second.core.call('audit.list', {
      entity: 'feed_run',
      entityId: cli.run.id,
      operation: 'run_finish',
      limit: 10,
    })
    expect(finishes.items).toHaveLength(1)
    expect(String(finishes.items[0]?.changes.ownerGone)).toContain(`process ${cli.child.pid}`)
  })
})

describe('who owns a run, within one process', () => {
  let t: TestCore<Clock, ReturnType<typeof createMemoryLogger>>
  let srv: FixtureServer
  beforeEach(async () => {
    srv = await startFixtureServer()
    t = await openCore({ feeds: { liveness: { heartbeatMs: 20 } } })
  })
  afterEach(async () => {
    await t.dispose()
    await srv.close()
  })

  const heartbeatOf = (id: string): string | null =>
    t.core.db.sqlite.prepare('SELECT heartbeat_at FROM feed_runs WHERE id = ?').pluck().get(id) as
      string | null

  it('keeps the heartbeat of a live run moving, and leaves the run alone when its own core starts', async () => {
    const held = heldList()
    srv.route('/list.txt', held.handler)
    const run = await t.core.call('feeds.importUrl', {
      url: srv.url('/list.txt'),
      format: 'text',
      wait: false,
    })
    const first = heartbeatOf(run.id)
    expect(first).not.toBeNull()
    const later = await until('a newer heartbeat', () => {
      const beat = heartbeatOf(run.id)
      return beat !== null && beat > (first ?? '') ? beat : undefined
    })
    expect(Date.parse(later)).toBeGreaterThan(Date.parse(first ?? ''))

    await t.core.start()
    expect((await t.core.call('feeds.getRun', { id: run.id })).status).toMatch(/queued|running/)
    held.release()
    await t.core.waitForIdle()
    expect(await t.core.call('feeds.getRun', { id: run.id })).toMatchObject({
      status: 'succeeded',
      created: 3,
    })
  })

  it('closes the runs of owners that are gone (exited, silent, unknown) and keeps the others, with their spool files', async () => {
    const exited = spawn(process.execPath, ['-e', ''])
    await exitOf(exited)
    const now = Date.now()
    const ago = (ms: number) => new Date(now - ms).toISOString()
    const runs: Record<string, [number | null, string | null, string | null, string | null]> = {
      // [pid, instance, host, heartbeat]
      otherHostFresh: [4242, '00000000-0000-4000-8000-0000000000a1', 'elsewhere', ago(1_000)],
      otherHostSilent: [4242, '00000000-0000-4000-8000-0000000000a2', 'elsewhere', ago(120_000)],
      exitedHere: [exited.pid ?? -1, '00000000-0000-4000-8000-0000000000a3', hostname(), ago(0)],
      // Another core of this very process (same pid, alive), heartbeat fresh.
      siblingCore: [process.pid, '00000000-0000-4000-8000-0000000000a4', hostname(), ago(1_000)],
      noOwner: [null, null, null, null],
    }
    const ids: Record<string, string> = {}
    const insert = t.core.db.sqlite.prepare(
      `INSERT INTO feed_runs (id, source, format, trigger, status, started_at, owner_pid,
         owner_instance, owner_host, heartbeat_at)
       VALUES (?, ?, 'text', 'manual', 'running', ?, ?, ?, ?, ?)`,
    )
    const dir = spoolDir(t.dir)
    mkdirSync(dir, { recursive: true })
    Object.entries(runs).forEach(([name, owner], i) => {
      const id = `00000000-0000-4000-8000-00000000000${i + 1}`
      ids[name] = id
      insert.run(id, name, ago(0), ...owner)
      writeFileSync(join(dir, `run-${id}.spool`), 'staged')
    })
    // A spool file whose run finished long ago (its clean-up failed): it goes too.
    writeFileSync(join(dir, 'run-00000000-0000-4000-8000-00000000ffff.spool'), 'stale')

    expect(await t.core.recoverRuns()).toBe(3)
    const status = (name: string) =>
      t.core.db.sqlite
        .prepare('SELECT status FROM feed_runs WHERE id = ?')
        .pluck()
        .get(ids[name]) as string
    expect(Object.fromEntries(Object.keys(runs).map((n) => [n, status(n)]))).toEqual({
      otherHostFresh: 'running',
      otherHostSilent: 'failed',
      exitedHere: 'failed',
      siblingCore: 'running',
      noOwner: 'failed',
    })
    expect(readdirSync(dir).sort()).toEqual(
      [`run-${ids.otherHostFresh}.spool`, `run-${ids.siblingCore}.spool`].sort(),
    )
    const warned = t.logger.lines.find((l) => l.includes('closed as interrupted'))
    expect(warned).toMatch(/no heartbeat for 120 s/)
    expect(warned).toMatch(new RegExp(`process ${exited.pid} has exited`))
  })
})
