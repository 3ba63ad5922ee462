import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliIo } from '#cli/cli-types'
import { runCli } from '#cli/run'

const KEY = 'cli-secret-key-0123456789'

describe('threateye enrich', () => {
  let dir: string
  let out: string[]
  let err: string[]
  let io: CliIo
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'te-enrich-cli-'))
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

  const run = async (argv: string[], stdin?: string) => {
    out = []
    err = []
    const withStdin: CliIo =
      stdin === undefined
        ? io
        : {
            ...io,
            stdin: (async function* () {
              yield stdin
            })(),
          }
    return runCli([...argv, '--data-dir', 'data'], withStdin)
  }

  it('enriches a value with --wait and prints the job and its results; jobs and status list it', async () => {
    expect(await run(['indicators', 'add', '45.155.205.233'])).toBe(0)
    expect(
      await run([
        'enrich',
        '45.155.205.233',
        '--provider',
        'geoip',
        '--provider',
        'asn',
        '--wait',
        '--json',
      ]),
    ).toBe(0)
    const answer = JSON.parse(out.join('')) as {
      scanJob: { status: string; indicatorsProcessed: number; id: string }
      results: { provider: string }[]
    }
    expect(answer.scanJob).toMatchObject({ status: 'succeeded', indicatorsProcessed: 1 })
    expect(answer.results.map((r) => r.provider).sort()).toEqual(['asn', 'geoip'])
    expect(await run(['enrich', 'jobs'])).toBe(0)
    expect(out.join('')).toContain(answer.scanJob.id)
    expect(await run(['enrich', 'status', '--json'])).toBe(0)
    const status = JSON.parse(out.join('')) as { offline: boolean; counts: Record<string, object> }
    expect(status.offline).toBe(false)
    expect(Object.keys(status.counts)).toContain('geoip')
  })

  it('sets a key from stdin, never echoes it, and refuses one on the command line', async () => {
    expect(await run(['enrich', 'set-key', 'virustotal'], `${KEY}\n`)).toBe(0)
    expect(out.join('')).toContain('key set')
    expect(await run(['enrich', 'providers', '--json'])).toBe(0)
    const providers = JSON.parse(out.join('')) as { items: { id: string; hasKey: boolean }[] }
    expect(providers.items.find((p) => p.id === 'virustotal')?.hasKey).toBe(true)
    expect(out.join('') + err.join('')).not.toContain(KEY)
    // The file store keeps it outside the database (readable by the user only).
    expect(readFileSync(join(dir, 'data', 'threateye.sqlite')).includes(KEY)).toBe(false)
    expect(await run(['enrich', 'set-key', 'virustotal', KEY])).toBe(2)
    expect(await run(['enrich', 'set-key', 'virustotal', '--clear'])).toBe(0)
    expect(out.join('')).toContain('key removed')
  })

  it('asks for --yes before a TLP override, and for exactly one target', async () => {
    expect(await run(['indicators', 'add', 'evil-c2.net'])).toBe(0)
    expect(await run(['enrich', 'evil-c2.net', '--override-tlp', 'case 7'])).toBe(2)
    expect(err.join('')).toContain('--yes')
    expect(
      await run(['enrich', 'evil-c2.net', '--id', '00000000-0000-4000-8000-000000000001']),
    ).toBe(2)
    expect(await run(['enrich', 'never-added.example'])).toBe(2)
  })
})
