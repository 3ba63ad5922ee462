import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChangeEntry } from '#shared/contract/audit.contract'
import { localActor } from '#core/audit/change-caller'
import type { CliIo } from '#cli/cli-types'
import { runCli } from '#cli/run'

describe('threateye audit', () => {
  let dir: string
  let out: string[]
  let err: string[]
  let io: CliIo
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'te-audit-cli-'))
    out = []
    err = []
    io = {
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      env: {},
      cwd: dir,
      signal: new AbortController().signal,
    }
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const data = ['--data-dir', 'data']
  const run = async (...argv: string[]) => {
    out = []
    err = []
    return runCli([...argv, ...data], io)
  }

  it('lists what the CLI changed (transport cli, the OS user), filters, verifies and exports', async () => {
    expect(await run('indicators', 'add', 'evil.example', '--tag', '=cmd')).toBe(0)
    expect(await run('indicators', 'add', '198.51.100.9')).toBe(0)

    expect(await run('audit', '--json')).toBe(0)
    const page = JSON.parse(out.join('')) as { items: ChangeEntry[] }
    expect(page.items.map((e) => [e.seq, e.operation, e.transport, e.actor, e.method])).toEqual([
      [2, 'create', 'cli', localActor(), 'indicators.create'],
      [1, 'create', 'cli', localActor(), 'indicators.create'],
    ])
    expect(await run('audit', '--entity', 'project', '--json')).toBe(0)
    expect((JSON.parse(out.join('')) as { items: unknown[] }).items).toEqual([])
    expect(await run('audit', '--action', 'create', '--limit', '1')).toBe(0)
    expect(out.join('')).toMatch(/^SEQ\s+AT\s+ACTOR/)
    expect(out.join('')).toContain('198.51.100.9')
    expect(await run('audit', '--entity', 'nonsense')).toBe(1)
    expect(err.join('')).toContain('entity')

    expect(await run('audit', 'verify')).toBe(0)
    expect(out.join('')).toBe('change log intact: 2 entries, last seq 2\n')

    expect(await run('audit', 'export', '-o', 'log.csv', '--format', 'csv')).toBe(0)
    const csv = readFileSync(join(dir, 'log.csv'), 'utf8').split('\r\n')
    expect(csv[0]).toBe(
      'seq,at,actor,transport,method,entity,entity_id,operation,changes,prev_hash,hash',
    )
    expect(csv).toHaveLength(4)
    expect(
      await run('audit', 'export', '-o', 'log.json', '--format', 'json', '--since', '2000-01-01'),
    ).toBe(0)
    expect((JSON.parse(readFileSync(join(dir, 'log.json'), 'utf8')) as unknown[]).length).toBe(2)
    expect(await run('audit', 'export', '--format', 'csv')).toBe(2)
    expect(err.join('')).toContain('-o FILE')
  })

  it('audit verify exits 1 and names the broken entry', async () => {
    expect(await run('indicators', 'add', '198.51.100.1')).toBe(0)
    expect(await run('indicators', 'add', '198.51.100.2')).toBe(0)
    const db = new Database(join(dir, 'data', 'threateye.sqlite'))
    db.prepare(`UPDATE change_log SET actor = 'someone else' WHERE seq = 1`).run()
    db.close()
    expect(await run('audit', 'verify')).toBe(1)
    expect(err.join('')).toMatch(
      /^change log broken at seq 1: hash is [0-9a-f]{64}, expected [0-9a-f]{64}/,
    )
  })
})
