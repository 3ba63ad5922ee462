import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-support'

let dataDir: string
let listDir: string
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
  listDir = mkdtempSync(join(tmpdir(), 'te-lists-'))
  mkdirSync(join(listDir, 'corp-hosts'))
  writeFileSync(
    join(listDir, 'corp-hosts', 'list.json'),
    JSON.stringify({
      name: 'Corp hosts',
      description: 'ours',
      version: 1,
      type: 'hostname',
      list: ['cli-corp.net'],
    }),
  )
  writeFileSync(join(listDir, 'broken.json'), '{"name": "Broken", "version": "one"}')
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(listDir, { recursive: true, force: true })
})

describe('threateye warninglists and allowlist', () => {
  it(
    'imports a folder, lists, switches, checks; keeps an allowlist',
    { timeout: 180_000 },
    async () => {
      const imported = await cli('warninglists', 'import', listDir)
      expect(imported.code, imported.stderr).toBe(0)
      expect(imported.stdout).toContain('1 list(s) imported')
      expect(imported.stdout).toContain('Corp hosts')
      expect(imported.stderr).toMatch(/broken\.json: version /)

      const listed = await cli('warninglists', 'list', '--json')
      const items = (JSON.parse(listed.stdout) as { items: { id: string; name: string }[] }).items
      expect(items.map((l) => l.name)).toContain('Corp hosts')

      const off = await cli('warninglists', 'disable', 'builtin:rfc1918-private-ipv4')
      expect(off.stdout).toContain('disabled')
      const check = await cli('warninglists', 'check', 'www.cli-corp.net', '10.0.0.1')
      expect(check.code, check.stderr).toBe(0)
      expect(check.stdout).toMatch(/www\.cli-corp\.net\s+domain\s+Corp hosts\s+cli-corp\.net/)
      expect(check.stdout).toMatch(/10\.0\.0\.1\s+ip\s+-/)
      expect((await cli('warninglists', 'enable', 'builtin:rfc1918-private-ipv4')).code).toBe(0)

      const added = await cli('allowlist', 'add', 'fp.cli-corp.net', '--reason', 'ours')
      expect(added.stdout).toContain('allowlisted domain fp.cli-corp.net')
      const all = await cli('allowlist', 'list')
      expect(all.stdout).toMatch(/domain\s+fp\.cli-corp\.net\s+ours/)
      expect((await cli('allowlist', 'remove', 'fp.cli-corp.net')).code).toBe(0)
      expect(JSON.parse((await cli('allowlist', 'list', '--json')).stdout)).toMatchObject({
        total: 0,
      })
      const missing = await cli('warninglists', 'disable', 'builtin:nope')
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain('builtin:nope')
    },
  )
})
