import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-support'

let dataDir: string
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('threateye alert-rules add --kind enrichment_verdict', () => {
  it('needs --min-level, takes --min-providers', { timeout: 120_000 }, async () => {
    const missing = await cli('alert-rules', 'add', 'VT', '--kind', 'enrichment_verdict')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--min-level')
    const added = await cli(
      'alert-rules',
      'add',
      'Two say malicious',
      '--kind',
      'enrichment_verdict',
      '--min-level',
      'malicious',
      '--min-providers',
      '2',
    )
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toContain('2 enrichment providers or more call it malicious')
  })
})
