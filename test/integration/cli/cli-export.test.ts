import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-support'

let dataDir: string
let outDir: string
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
  outDir = mkdtempSync(join(tmpdir(), 'te-out-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(outDir, { recursive: true, force: true })
})

describe('threateye export', () => {
  it(
    'refuses AMBER material without --yes, then writes the CSV with it',
    { timeout: 120_000 },
    async () => {
      for (const value of ['http://evil.example.com/login', '203.0.113.5']) {
        const added = await cli(
          'indicators',
          'add',
          value,
          '--tag',
          'phish',
          '--description',
          '=1+1',
        )
        expect(added.code, added.stderr).toBe(0)
      }
      const file = join(outDir, 'out.csv')
      const refused = await cli('export', '--tag', 'phish', '-o', file)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('TLP:AMBER')
      expect(refused.stderr).toContain('--yes')
      expect(existsSync(file)).toBe(false)

      const ok = await cli('export', '--tag', 'phish', '--defang', '--yes', '-o', file)
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.stderr).toMatch(/2 rows written to .*out\.csv \(TLP:AMBER\)/)
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
      const table = parse(readFileSync(file, 'utf8'))
      expect(table[0]?.slice(0, 3)).toEqual(['tlp', 'type', 'value'])
      expect(
        table
          .slice(1)
          .map((r) => r[2])
          .sort(),
      ).toEqual(['203.0.113[.]5', 'hxxp://evil[.]example[.]com/login'])
      const description = table[0]?.indexOf('description') ?? -1
      expect(table.slice(1).map((r) => r[description])).toEqual(["'=1+1", "'=1+1"])
    },
  )

  it('names what is wrong with the command line', { timeout: 120_000 }, async () => {
    const both = await cli('export', '--report', 'a', '--project', 'b', '-o', join(outDir, 'x.csv'))
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('at most one of')
    const noFile = await cli('export')
    expect(noFile.code).toBe(2)
    expect(noFile.stderr).toContain('-o FILE')
    const badReport = await cli('export', '--report', 'nope', '-o', join(outDir, 'x.csv'))
    expect(badReport.code).not.toBe(0)
    expect(badReport.stderr).toContain('target.id')
  })
})
