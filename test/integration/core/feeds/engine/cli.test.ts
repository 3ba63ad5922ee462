import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '#cli/run'
import type { CliIo } from '#cli/cli-types'
import { serve, startFixtureServer, type FixtureServer } from '../../../../support/fixture-server'

const LIST = '198.51.100.1\n198.51.100.1\nexample.org\nnonsense\n'

describe('threateye feeds / import', () => {
  let dir: string
  let out: string[]
  let err: string[]
  let io: CliIo
  let srv: FixtureServer
  beforeAll(async () => {
    srv = await startFixtureServer()
    srv.route('/list.txt', serve.bytes(LIST, { contentType: 'text/plain' }))
  })
  afterAll(async () => {
    await srv.close()
  })
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'te-'))
    out = []
    err = []
    io = {
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      env: { THREATEYE_DATA_DIR: join(dir, 'data') },
      cwd: dir,
      signal: new AbortController().signal,
    }
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const dataDir = () => ['--data-dir', join(dir, 'data')]

  it('imports a file and prints the run report as JSON', async () => {
    writeFileSync(join(dir, 'list.txt'), LIST)
    const code = await runCli(
      ['import', 'list.txt', '--format', 'text', '--json', ...dataDir()],
      io,
    )
    expect(err.join('')).toBe('')
    expect(code).toBe(0)
    const report = JSON.parse(out.join('')) as Record<string, unknown>
    expect(report).toMatchObject({
      status: 'succeeded',
      rows: 4,
      created: 2,
      updated: 0,
      unchanged: 0,
      duplicates: 1,
      rejected: 1,
      by_type: { ip: 1, domain: 1 },
    })
    expect(report.rejects).toEqual([{ line: 4, reason: expect.any(String) as string }])
  })

  it('imports from a URL and prints a table', async () => {
    const code = await runCli(
      ['import', srv.url('/list.txt'), '--format', 'auto', ...dataDir()],
      io,
    )
    expect(code).toBe(0)
    expect(out.join('')).toMatch(/succeeded/)
    expect(out.join('')).toMatch(/CREATED/)
  })

  it('adds, lists, runs and shows the history of a feed', async () => {
    expect(
      await runCli(
        [
          'feeds',
          'add',
          '--name',
          'List',
          '--format',
          'text',
          '--url',
          srv.url('/list.txt'),
          '--auth-key',
          'sekrit-key-123',
          ...dataDir(),
        ],
        io,
      ),
    ).toBe(0)
    expect(await runCli(['feeds', 'list', '--json', ...dataDir()], io)).toBe(0)
    const listed = JSON.parse(out.pop() ?? '[]') as { name: string; hasAuth: boolean }[]
    expect(listed).toMatchObject([{ name: 'List', hasAuth: true }])
    expect(await runCli(['feeds', 'run', 'list', '--wait', '--json', ...dataDir()], io)).toBe(0)
    expect(JSON.parse(out.pop() ?? '{}')).toMatchObject({
      status: 'succeeded',
      created: 2,
      duplicates: 1,
    })
    expect(await runCli(['feeds', 'history', 'List', ...dataDir()], io)).toBe(0)
    expect(out.pop()).toMatch(/List\s+cli\s+succeeded/)
    expect(out.join('') + err.join('')).not.toContain('sekrit-key-123')
    expect(await runCli(['feeds', 'run', 'nope', ...dataDir()], io)).toBe(1)
    expect(err.pop()).toContain('No feed named "nope"')
    expect(await runCli(['feeds', 'frobnicate'], io)).toBe(2)
  })
})
