import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ROOT, type CliResult } from './cli-support'

// The built app (`npm test` builds before vitest): its worker threads (bulk writer, search indexer) are
// separate entries in out/main, found next to the bundle. Every other test runs them from source.
const BUILT_CLI = join(ROOT, 'out', 'main', 'cli.js')

const runBuilt = (args: readonly string[]): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

let dataDir: string
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-built-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the built CLI', () => {
  it('is built, with its worker entries next to it', () => {
    for (const entry of ['cli.js', 'bulk-writer.js', 'search-indexer.js']) {
      expect(existsSync(join(ROOT, 'out', 'main', entry)), `out/main/${entry}`).toBe(true)
    }
  })

  it('imports through the built bulk writer and finds the values through the built search indexer', async () => {
    const imported = await runBuilt([
      'import',
      join(FIXTURES, 'iocs.txt'),
      '--format',
      'txt',
      '--json',
      '--data-dir',
      dataDir,
    ])
    expect(imported.code, imported.stderr).toBe(0)
    expect(JSON.parse(imported.stdout)).toMatchObject({ status: 'succeeded', created: 5 })
    expect(existsSync(join(dataDir, 'search.sqlite'))).toBe(true)

    const found = await runBuilt(['indicators', 'search', 'evil', '--json', '--data-dir', dataDir])
    expect(found.code, found.stderr).toBe(0)
    const values = (JSON.parse(found.stdout) as { items: { value: string }[] }).items.map(
      (i) => i.value,
    )
    expect(values.length).toBeGreaterThan(0)
    expect(values.every((v) => v.includes('evil'))).toBe(true)
  })
})
