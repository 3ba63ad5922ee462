import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, runCli } from './cli-support'

type Indicator = {
  id: string
  type: string
  value: string
  severity: string
  tags: string[]
  description: string
}

let dataDir: string
/** Most commands read the data directory from the environment, as an installed CLI would. */
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('help and usage', () => {
  it('lists the commands, and each command its options', async () => {
    const all = await cli('--help')
    expect(all.code).toBe(0)
    for (const c of [
      'serve',
      'token',
      'indicators add',
      'indicators list',
      'indicators search',
      'indicators get',
      'import',
    ]) {
      expect(all.stdout).toContain(c)
    }
    const add = await cli('indicators', 'add', '--help')
    expect(add.code).toBe(0)
    for (const o of ['--type', '--severity', '--tag', '--project', '--json', '--data-dir'])
      expect(add.stdout).toContain(o)
    const imp = await cli('import', '--help')
    expect(imp.stdout).toContain('--format')
  })

  it('exits 2 on wrong usage, naming the problem', async () => {
    const none = await cli()
    expect(none.code).toBe(2)
    const unknown = await cli('indicators', 'frobnicate')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('frobnicate')
    const badOption = await cli('indicators', 'list', '--colour', 'red')
    expect(badOption.code).toBe(2)
    expect(badOption.stderr).toContain('--colour')
    const missing = await cli('indicators', 'add')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('<value>')
    const badLimit = await cli('indicators', 'list', '--limit', 'lots')
    expect(badLimit.code).toBe(2)
    expect(badLimit.stderr).toContain('--limit')
  })
})

describe('bin/threateye.cjs', () => {
  it('explains how to build when out/ is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'te-'))
    try {
      mkdirSync(join(dir, 'bin'))
      copyFileSync(join(ROOT, 'bin', 'threateye.cjs'), join(dir, 'bin', 'threateye.cjs'))
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'threateye.cjs'), '--help'], {
        encoding: 'utf8',
      })
      expect(r.status).toBe(1)
      expect(r.stderr).toContain(join(dir, 'out', 'main', 'cli.js'))
      expect(r.stderr).toContain('npm install')
      expect(r.stderr).toContain('npm run build')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('token', () => {
  it('prints the same token each time, from a 0600 file in --data-dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'te-'))
    try {
      const first = await runCli(['token', '--data-dir', dir])
      expect(first.code).toBe(0)
      const token = first.stdout.trim()
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(statSync(join(dir, 'api-token')).mode & 0o777).toBe(0o600)
      expect((await runCli(['token', '--data-dir', dir])).stdout.trim()).toBe(token)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('indicators', () => {
  let ip: Indicator

  it('adds one, detecting its type, with tags and severity', async () => {
    const r = await cli(
      'indicators',
      'add',
      '203.0.113.200',
      '--severity',
      'high',
      '--tag',
      'c2',
      '--tag',
      'apt',
      '--json',
    )
    expect(r.code, r.stderr).toBe(0)
    ip = JSON.parse(r.stdout) as Indicator
    expect(ip).toMatchObject({
      type: 'ip',
      value: '203.0.113.200',
      severity: 'high',
      tags: ['c2', 'apt'],
    })

    const domain = await cli(
      'indicators',
      'add',
      'hxxps://cdn-update[.]example[.]org/a.js',
      '--json',
    )
    expect(domain.code, domain.stderr).toBe(0)
    expect(JSON.parse(domain.stdout)).toMatchObject({
      type: 'url',
      value: 'https://cdn-update.example.org/a.js',
    })
  })

  it('exits 1 with a message naming what was wrong', async () => {
    const dup = await cli('indicators', 'add', '203.0.113.200')
    expect(dup.code).toBe(1)
    expect(dup.stderr).toMatch(/already|exists/i)
    const badSeverity = await cli('indicators', 'add', '203.0.113.201', '--severity', 'apocalyptic')
    expect(badSeverity.code).toBe(1)
    expect(badSeverity.stderr).toContain('severity')
    const badValue = await cli('indicators', 'add', '203.0.113.999', '--type', 'ip')
    expect(badValue.code).toBe(1)
    expect(badValue.stderr).toContain('203.0.113.999')
  })

  it('with --json, a failure is also a JSON error object on stdout', async () => {
    type Failure = { ok: false; error: { code: string; message: string; details?: unknown } }
    const dup = await cli('indicators', 'add', '203.0.113.200', '--json')
    expect(dup.code).toBe(1)
    const failure = JSON.parse(dup.stdout) as Failure
    expect(failure).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(failure.error.message).toMatch(/already|exists/i)
    const usage = await cli('indicators', 'list', '--limit', 'lots', '--json')
    expect(usage.code).toBe(2)
    expect(JSON.parse(usage.stdout)).toMatchObject({ ok: false, error: { code: 'usage' } })
    const unknown = await cli('indicators', 'frobnicate', '--json')
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { code: 'usage' } })
    // Without --json stdout stays empty: it is the command's output only.
    expect((await cli('indicators', 'add', '203.0.113.200')).stdout).toBe('')
  })

  it('lists as JSON and as a table, filtered by type', async () => {
    const json = await cli('indicators', 'list', '--json')
    expect(json.code).toBe(0)
    const page = JSON.parse(json.stdout) as { items: Indicator[]; nextCursor: string | null }
    expect(page.items.map((i) => i.value).sort()).toEqual([
      '203.0.113.200',
      'https://cdn-update.example.org/a.js',
    ])

    const onlyIp = await cli('indicators', 'list', '--type', 'ip', '--limit', '5')
    expect(onlyIp.code).toBe(0)
    const lines = onlyIp.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^ID\s+TYPE\s+VALUE\s+SEVERITY\s+SCORE\s+TAGS$/)
    expect(lines).toHaveLength(3)
    expect(lines[2]).toContain('203.0.113.200')
  })

  it('searches', async () => {
    const r = await cli('indicators', 'search', 'cdn-update', '--json')
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as { items: Indicator[] }).items.map((i) => i.type)).toEqual([
      'url',
    ])
  })

  it('gets one by id or by value, and exits 1 for an unknown one', async () => {
    const byId = await cli('indicators', 'get', ip.id, '--json')
    expect(byId.code).toBe(0)
    expect(JSON.parse(byId.stdout)).toMatchObject({ id: ip.id })
    const byValue = await cli('indicators', 'get', '203.0.113.200')
    expect(byValue.code).toBe(0)
    expect(byValue.stdout).toMatch(/^id\s+/m)
    expect(byValue.stdout).toContain(ip.id)
    const missing = await cli('indicators', 'get', '198.18.0.1')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('198.18.0.1')
  })

  it('never writes terminal escape sequences from stored data', async () => {
    const r = await cli(
      'indicators',
      'add',
      'evil-title.example.net',
      '--description',
      'x\u001b]0;pwned\u0007\u001b[2Jy',
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).not.toContain('\u001b')
    expect(r.stdout).toContain('\\u001b]0;pwned')
  })
})
