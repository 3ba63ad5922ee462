import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-support'

let dataDir: string
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })
const hostsOf = (stdout: string) =>
  (JSON.parse(stdout) as { fetchAllowedHosts: string[] }).fetchAllowedHosts

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('threateye settings', () => {
  it('allows and disallows hosts the HTTP API may fetch from', { timeout: 120_000 }, async () => {
    const allowed = await cli('settings', 'allow-host', 'TAXII.corp', '10.0.0.5', '--json')
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(hostsOf(allowed.stdout)).toEqual(['taxii.corp', '10.0.0.5'])

    const again = await cli('settings', 'allow-host', 'taxii.corp', '::1', '--json')
    expect(hostsOf(again.stdout)).toEqual(['taxii.corp', '10.0.0.5', '::1'])

    const dropped = await cli('settings', 'disallow-host', '10.0.0.5', '--json')
    expect(hostsOf(dropped.stdout)).toEqual(['taxii.corp', '::1'])

    const shown = await cli('settings')
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/fetch allowed hosts\s+taxii\.corp, ::1/)

    const bad = await cli('settings', 'allow-host', 'http://intranet/feed')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('fetchAllowedHosts')
    expect(bad.stderr).toContain('not a host name or an IP address')
  })
})
