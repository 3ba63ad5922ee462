import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, exitOf, runCli, spawnCli, waitForLine } from './cli-support'

type Report = {
  status: string
  rows: number
  created: number
  updated: number
  unchanged: number
  duplicates: number
  rejected: number
  rejects: { line: number; reason: string }[]
  by_type: Record<string, number>
}

let dataDir: string
const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir])

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('import', () => {
  it('imports a text list with exact counts and the lines of the rejects', async () => {
    // iocs.txt: a comment, 5 good values (one defanged), a repeat, a blank line and 2 bad ones.
    const r = await cli('import', join(FIXTURES, 'iocs.txt'), '--format', 'txt', '--json')
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as Report
    expect(report).toMatchObject({
      status: 'succeeded',
      rows: 8,
      created: 5,
      updated: 0,
      unchanged: 0,
      duplicates: 1,
      rejected: 2,
      by_type: { ip: 1, domain: 1, url: 2, md5: 1 },
    })
    expect(report.rejects.map((x) => x.line)).toEqual([5, 10])
    expect(report.rejects[0]?.reason).toContain('300.1.2.3')
    expect(report.rejects[1]?.reason).toContain('not_a_thing')
  })

  it('imports an analyst CSV (detected from its header) with exact counts and row numbers', async () => {
    const r = await cli('import', join(FIXTURES, 'iocs.csv'), '--json')
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as Report
    expect(report).toMatchObject({
      status: 'succeeded',
      rows: 8,
      created: 3,
      updated: 0,
      unchanged: 0,
      duplicates: 1,
      rejected: 4,
      by_type: { ip: 1, domain: 1, md5: 1 },
    })
    expect(report.rejects).toEqual([
      { line: 4, reason: 'the value column is empty' },
      { line: 6, reason: expect.stringContaining('not-a-hash') as string },
      { line: 7, reason: expect.stringContaining('severity') as string },
      { line: 9, reason: 'quoted field is never closed' },
    ])
    // Tags, severity and description come from their columns.
    const got = await cli('indicators', 'get', '198.51.100.20', '--json')
    expect(JSON.parse(got.stdout)).toMatchObject({ tags: ['c2', 'botnet'], severity: 'high' })
    const other = await cli('indicators', 'get', 'bad-login.example.com', '--json')
    expect(JSON.parse(other.stdout)).toMatchObject({
      tags: ['phishing'],
      severity: 'medium',
      description: 'Phishing page, with a comma',
    })
  })

  it('imports any CSV with --map, its own dates, confidence and TLP reaching the indicator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'te-'))
    try {
      const file = join(dir, 'siem.csv')
      writeFileSync(
        file,
        [
          'observable;labels;seen first;seen last;score;marking;note',
          'mapped-1.example;c2|apt;2024-03-01;2024-03-05T10:00:00Z;85;TLP:GREEN;From the SIEM',
          'observable;labels;seen first;seen last;score;marking;note',
          'mapped-2.example;;;;;;',
          'short-row.example;x',
        ].join('\n') + '\n',
      )
      const r = await cli(
        'import',
        file,
        '--format',
        'csv',
        '--map',
        'value=observable,tags=labels,firstSeen=seen first,lastSeen=seen last,confidence=score,tlp=marking,description=note',
        '--json',
      )
      expect(r.code, r.stderr).toBe(0)
      const report = JSON.parse(r.stdout) as Report
      // The repeated header is neither imported nor a reject; the short row is, with its line.
      expect(report).toMatchObject({ rows: 3, created: 2, rejected: 1 })
      expect(report.rejects).toEqual([{ line: 5, reason: 'expected 7 fields, got 2' }])
      const got = await cli('indicators', 'get', 'mapped-1.example', '--json')
      expect(JSON.parse(got.stdout)).toMatchObject({
        tags: ['c2', 'apt'],
        description: 'From the SIEM',
        confidence: 85,
        tlp: 'green',
        firstSeen: '2024-03-01T00:00:00.000Z',
        lastSeen: '2024-03-05T10:00:00.000Z',
      })
      const bad = await cli('import', file, '--map', 'value=observable,colour=labels')
      expect(bad.code).toBe(2)
      expect(bad.stderr).toMatch(/--map: .*colour=labels/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('is idempotent and prints a table without --json', async () => {
    const r = await cli('import', join(FIXTURES, 'iocs.csv'), '--format', 'csv')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/as generic-csv: succeeded/)
    expect(r.stdout).toMatch(/^ROWS\s+CREATED\s+UPDATED\s+UNCHANGED\s+DUPLICATES\s+REJECTED$/m)
    expect(r.stdout).toMatch(/^8\s+0\s+0\s+3\s+1\s+4$/m)
    expect(r.stdout).toMatch(/^LINE\s+REASON\s+VALUE$/m)
  })

  it('names a CSV without a value column, a missing file and a bad format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'te-'))
    try {
      const noValue = join(dir, 'no-value.csv')
      writeFileSync(noValue, 'host,comment\nexample.org,x\n')
      const r = await cli('import', noValue, '--format', 'csv')
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(
        /no column of the CSV header is recognised as the indicator.*host, comment/,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const missing = await cli('import', join(FIXTURES, 'nope.txt'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('nope.txt')
    const badFormat = await cli('import', join(FIXTURES, 'iocs.txt'), '--format', 'docx')
    expect(badFormat.code).toBe(2)
    expect(badFormat.stderr).toContain('docx')
  })
})

describe('serve', () => {
  it('serves the API with the printed token and stops cleanly on SIGTERM', async () => {
    const child = spawnCli(['serve', '--port', '0', '--data-dir', dataDir])
    const m = await waitForLine(
      child,
      /ThreatEye is serving (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]{43})\n/,
    )
    const [, url, token] = m
    const res = await fetch(`${url}/api/rpc/system.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(200)
    const info = (await res.json()) as { ok: boolean; value: { httpUrl: string; dataDir: string } }
    expect(info.value).toMatchObject({ httpUrl: url, dataDir })
    const list = await fetch(`${url}/api/v1/indicators?type_filter=ip`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(list.status).toBe(200)
    expect(((await list.json()) as unknown[]).length).toBeGreaterThan(0)
    expect((await fetch(`${url}/api/rpc/system.info`, { method: 'POST' })).status).toBe(401)

    child.kill('SIGTERM')
    expect(await exitOf(child)).toBe(0)
  })

  it('exits 1 naming the port when it is taken', async () => {
    const first = spawnCli(['serve', '--port', '0', '--data-dir', dataDir])
    const [, url] = await waitForLine(first, /serving (http:\/\/127\.0\.0\.1:\d+)\//)
    try {
      const port = new URL(url ?? '').port
      const second = await runCli(['serve', '--port', port, '--data-dir', dataDir])
      expect(second.code).toBe(1)
      expect(second.stderr).toContain(`Port ${port}`)
    } finally {
      first.kill('SIGINT')
      expect(await exitOf(first)).toBe(0)
    }
  })
})
