import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliIo } from '#cli/cli-types'
import { runCli } from '#cli/run'

describe('threateye summary', () => {
  let dir: string
  let out: string[]
  let err: string[]
  let io: CliIo
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'te-summary-cli-'))
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

  it('generates a custom report of what arrived, prints its file, and lists it', async () => {
    expect(await run('indicators', 'add', 'evil-c2.net')).toBe(0)
    const today = new Date().toISOString().slice(0, 10)
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    expect(
      await run('summary', 'generate', '--type', 'custom', '--from', today, '--to', tomorrow),
    ).toBe(0)
    const path = out.join('').trim()
    expect(path).toBe(
      join(
        dir,
        'data',
        'summaries',
        `custom-${today.replaceAll('-', '')}T000000Z-${tomorrow.replaceAll('-', '')}T000000Z.md`,
      ),
    )
    expect(readFileSync(path, 'utf8')).toMatch(
      /^# Summary \d{4}-\d\d-\d\d\n[\s\S]*1 new indicators/,
    )
    expect(err.join('')).toMatch(/^Summary \d{4}-\d\d-\d\d \(\d+(\.\d)? [KB]+\)\n$/)

    expect(await run('summary', 'generate', '--type', 'daily', '--format', 'json', '--json')).toBe(
      0,
    )
    expect(JSON.parse(out.join(''))).toMatchObject({
      type: 'daily',
      status: 'done',
      format: 'json',
    })

    expect(await run('summary', 'list')).toBe(0)
    const table = out.join('')
    expect(table).toMatch(/^TYPE +FROM +TO +STATUS +SIZE +FILE +ID/)
    // The FILE column is clipped to the terminal table's width; the start of the path is there.
    expect(table).toContain(join(dir, 'data', 'summaries', 'custom-'))
    expect(table).toMatch(/\ndaily +\S+ +\S+ +done +[\d.]+ K?B +\S+daily-\d{4}-\d\d-\d\d\.json /)
    // Header, rule, two reports.
    expect(table.trim().split('\n')).toHaveLength(4)
    expect(await run('summary', 'list', '--type', 'daily', '--json')).toBe(0)
    expect(JSON.parse(out.join(''))).toMatchObject({ total: 1, items: [{ type: 'daily' }] })
  })

  it('names what is wrong with the type or the range', async () => {
    expect(await run('summary', 'generate')).toBe(2)
    expect(err.join('')).toMatch(/--type is required/)
    expect(await run('summary', 'generate', '--type', 'monthly')).toBe(1)
    expect(err.join('')).toMatch(/type/)
    expect(await run('summary', 'generate', '--type', 'custom', '--from', '2026-12-01')).toBe(1)
    expect(err.join('')).toMatch(/\bto\b/)
  })
})
