import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  EML_EXPECTED,
  HTML_EXPECTED,
  PDF_EXPECTED,
  PDF_PAGES,
  SAMPLE_HTML,
  minimalPdf,
  sampleEml,
} from '../../fixtures/extract/documents'
import { ROOT, runCli } from './cli-support'

const REPORT = [
  'Initial access: a phishing mail linking hxxps://login-micros0ft[.]com/owa?id=7',
  'The loader (invoice.exe, MD5 d41d8cd98f00b204e9800998ecf8427e) beacons to 203.0.113[.]45:8443.',
  'Version 2.4.1.9 of the agent was seen again at 203.0.113[.]45; tracked as CVE-2024-3400.',
  '',
].join('\n')

const dir = mkdtempSync(join(tmpdir(), 'te-extract-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The CLI from source with `input` on its standard input. */
const cliWithStdin = (args: string[], input: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli/main.ts'), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.node.json') },
  })

describe('threateye extract', () => {
  it('lists the indicators of a file with their lines, refanged and canonical', async () => {
    const file = join(dir, 'report.md')
    writeFileSync(file, REPORT)
    const r = await runCli(['extract', file, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {
      items: { kind: string; value: string; line: number; count: number }[]
      truncated: boolean
    }
    expect(out.truncated).toBe(false)
    expect(out.items.map((i) => [i.kind, i.value, i.line, i.count])).toEqual([
      ['url', 'https://login-micros0ft.com/owa?id=7', 1, 1],
      ['domain', 'login-micros0ft.com', 1, 1],
      ['file-name', 'invoice.exe', 2, 1],
      ['md5', 'd41d8cd98f00b204e9800998ecf8427e', 2, 1],
      ['ip', '203.0.113.45', 2, 2],
      ['cve', 'CVE-2024-3400', 3, 1],
    ])
  })

  it('reads standard input when no file is given, and keeps only the kinds asked for', () => {
    const r = cliWithStdin(['extract', '--kind', 'ip,cve'], REPORT)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.split('\n').filter((l) => /^\d/.test(l))).toEqual([
      '2     ip    203.0.113.45   2',
      '3     cve   CVE-2024-3400  1',
    ])
    expect(r.stderr).toBe('2 distinct indicators\n')
  })

  it('names a kind it does not know, and names a PDF it cannot read', async () => {
    const bad = await runCli(['extract', '--kind', 'ipv4', join(dir, 'report.md')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--kind: 'ipv4' is not one of ip, ipv6")
    const pdf = join(dir, 'broken.pdf')
    writeFileSync(pdf, '%PDF-1.7\n%binary')
    const refused = await runCli(['extract', pdf])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`${pdf} is not a readable PDF`)
  })

  it('reads .pdf, .eml and .html files, told apart by extension and content', async () => {
    const files: [string, Buffer][] = [
      ['report.pdf', minimalPdf(PDF_PAGES)],
      // No extension that says so: the content does.
      ['lure.txt', sampleEml()],
      ['page.htm', Buffer.from(SAMPLE_HTML)],
    ]
    const expected = [
      PDF_EXPECTED.map(([k, v]) => [k, v]),
      EML_EXPECTED,
      HTML_EXPECTED.map(([k, v]) => [k, v]),
    ]
    for (const [i, [name, bytes]] of files.entries()) {
      const file = join(dir, name)
      writeFileSync(file, bytes)
      const r = await runCli(['extract', file, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const out = JSON.parse(r.stdout) as {
        items: { kind: string; value: string }[]
        format: string
      }
      expect(out.format).toBe(['pdf', 'eml', 'html'][i])
      expect(out.items.map((x) => [x.kind, x.value])).toEqual(expected[i])
    }
    // Standard input is told apart the same way.
    const piped = cliWithStdin(['extract', '--kind', 'url'], SAMPLE_HTML)
    expect(piped.status, piped.stderr).toBe(0)
    expect(piped.stdout).toContain('https://collect.phish-kit.com/post.php')
    expect(piped.stdout).not.toContain('script-only')
  })
})
