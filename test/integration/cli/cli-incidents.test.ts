import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-support'

let dataDir: string
let work: string
const cli = (...args: string[]) => runCli(args, { THREATEYE_DATA_DIR: dataDir })
const json = <T>(stdout: string) => JSON.parse(stdout) as T

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
  work = mkdtempSync(join(tmpdir(), 'te-work-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(work, { recursive: true, force: true })
})

type Verdict = {
  verdict: string
  severity: number
  trackingRecord: { id: string; occurrences: number } | null
}

describe('threateye analyze, incidents and snapshot', () => {
  let id = ''

  it(
    'analyze prints the verdict and its top contributions, and opens an incident',
    { timeout: 120_000 },
    async () => {
      const text = await cli('analyze', 'http://paypa1-account-verify.tk/login/confirm')
      expect(text.code).toBe(0)
      expect(text.stdout).toMatch(/verdict\s+malicious/)
      expect(text.stdout).toContain('Top feature contributions')
      const again = await cli('analyze', 'http://paypa1-account-verify.tk/login/confirm', '--json')
      const v = json<Verdict>(again.stdout)
      expect(v.trackingRecord?.occurrences).toBe(2)
      id = v.trackingRecord?.id ?? ''
      const benign = await cli('analyze', 'https://github.com/nodejs/node', '--json')
      expect(json<Verdict>(benign.stdout)).toMatchObject({
        verdict: 'benign',
        trackingRecord: null,
      })
      const bad = await cli('analyze', 'ftp://x.example/', '--json')
      expect(bad.code).toBe(1)
      expect(bad.stderr).toContain('url')
    },
  )

  it('incidents list, show and resolve', { timeout: 120_000 }, async () => {
    const list = await cli('incidents', 'list')
    expect(list.stdout).toContain('paypa1-account-verify.tk')
    expect(list.stdout).toContain('1 of 1 incident')
    const show = await cli('incidents', 'show', id)
    expect(show.stdout).toMatch(/occurrences\s+2/)
    const resolved = await cli('incidents', 'resolve', id, '--tag', 'handled', '--json')
    expect(json<{ status: string; tags: string[] }>(resolved.stdout)).toMatchObject({
      status: 'resolved',
      tags: ['url-analysis', 'handled'],
    })
    const open = await cli('incidents', 'list', '--status', 'open', '--json')
    expect(json<{ total: number }>(open.stdout).total).toBe(0)
    const usage = await cli('incidents', 'list', '--status', 'closed')
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('--status')
  })

  it(
    'snapshot export writes a private file; import merges it by URL',
    { timeout: 120_000 },
    async () => {
      const file = join(work, 'handover.json')
      const out = await cli('snapshot', 'export', file)
      expect(out.code).toBe(0)
      expect(out.stdout).toContain('1 tracked threat written')
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
      const doc = JSON.parse(readFileSync(file, 'utf8')) as {
        data: { tracked_threats: { url: string; status: string }[] }
      }
      expect(doc.data.tracked_threats).toEqual([
        expect.objectContaining({
          url: 'http://paypa1-account-verify.tk/login/confirm',
          status: 'resolved',
        }),
      ])
      doc.data.tracked_threats.push({ url: 'http://from-a-colleague.example/', status: 'open' })
      const incoming = join(work, 'incoming.json')
      writeFileSync(incoming, JSON.stringify(doc))
      const imported = await cli('snapshot', 'import', incoming)
      // The colleague's entry lacks a severity: refused by position, naming the field; the rest merged.
      expect(imported.stdout).toContain('0 created, 1 merged, 1 refused')
      expect(imported.stdout).toContain('entry 1: severity')
      const missing = await cli('snapshot', 'import', join(work, 'nope.json'))
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain('No such file')
    },
  )
})
