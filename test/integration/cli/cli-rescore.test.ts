import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliIo } from '#cli/cli-types'
import { runCli } from '#cli/run'

describe('threateye rescore', () => {
  let dir: string
  let out: string[]
  let err: string[]
  let io: CliIo
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'te-rescore-cli-'))
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

  const run = async (...argv: string[]) => {
    out = []
    err = []
    return runCli([...argv, '--data-dir', 'data'], io)
  }

  it('rescores every indicator, progress on stderr, the report on stdout', async () => {
    // Values no built-in warninglist matches: a hit would expire them at once and spoil the counts.
    expect(await run('indicators', 'add', 'evil-c2.net')).toBe(0)
    expect(await run('indicators', 'add', '91.92.240.5')).toBe(0)
    expect(await run('rescore')).toBe(0)
    expect(out.join('')).toMatch(
      /^rescored 2 indicators: \d+ changed score or risk level, 0 expired/,
    )
    expect(await run('rescore', '--type', 'domain', '--json')).toBe(0)
    expect(JSON.parse(out.join(''))).toMatchObject({ scored: 1, expired: 0 })
    expect(err.join('')).not.toMatch(/error/i)
  })

  it('names a bad type', async () => {
    expect(await run('rescore', '--type', 'nope')).toBe(1)
    expect(err.join('')).toMatch(/filter\.type/)
  })
})
