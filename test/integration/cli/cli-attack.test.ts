import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smallBundle } from '../../unit/core/attack/attack-fixtures'
import { runCli } from './cli-support'

let dataDir: string
let bundleFile: string
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
  bundleFile = join(dataDir, 'enterprise-attack.json')
  writeFileSync(bundleFile, JSON.stringify(smallBundle()))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('threateye attack', () => {
  it(
    'shows, searches, imports a bundle, resets and rebuilds the knowledge base',
    { timeout: 180_000 },
    async () => {
      const info = await cli('attack', 'info')
      expect(info.code, info.stderr).toBe(0)
      expect(info.stdout).toContain('ATT&CK Enterprise 18.1 (builtin)')
      expect(info.stdout).toContain('The MITRE Corporation')
      const search = await cli('attack', 'search', 'T1059', '--limit', '2', '--json')
      expect(search.code, search.stderr).toBe(0)
      expect(
        (JSON.parse(search.stdout) as { items: { id: string }[] }).items.map((t) => t.id),
      ).toEqual(['T1059', 'T1059.001'])
      const show = await cli('attack', 'show', 'T1059.001')
      expect(show.stdout).toContain('parent: T1059 Command and Scripting Interpreter')
      const missing = await cli('attack', 'show', 'T9999')
      expect(missing.code).not.toBe(0)
      expect(missing.stderr).toContain('not a technique')
      const imported = await cli('attack', 'import', bundleFile)
      expect(imported.code, imported.stderr).toBe(0)
      expect(imported.stdout).toContain('ATT&CK Enterprise 19.0 (imported')
      expect(imported.stderr).toContain('attack-pattern--noid')
      const matrix = await cli('attack', 'matrix')
      expect(matrix.stdout).toMatch(/TA0043\s+Reconnaissance\s+1\s+0/)
      const reset = await cli('attack', 'reset')
      expect(reset.stdout).toContain('ATT&CK Enterprise 18.1 (builtin)')
      const rebuilt = await cli('attack', 'rebuild-knowledge')
      expect(rebuilt.code, rebuilt.stderr).toBe(0)
      expect(rebuilt.stdout).toContain('0 object(s) read')
    },
  )
})
