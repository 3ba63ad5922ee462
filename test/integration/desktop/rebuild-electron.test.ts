import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../../..')
const nodeBuild = join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')
const electronVersion = (
  JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string
  }
).version

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

const run = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [join(root, 'scripts/rebuild-electron.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, npm_config_nodedir: '/usr' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })

describe('scripts/rebuild-electron.mjs when the Electron headers cannot be fetched', () => {
  let server: Server
  let headersUrl: string
  const requested: string[] = []
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'te-'))
    // A headers server that has nothing: stands in for "no internet" deterministically, on any machine.
    server = createServer((req, res) => {
      requested.push(req.url ?? '')
      res.writeHead(404).end('not here')
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    headersUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/headers`
  })

  afterAll(async () => {
    await new Promise<void>((ok) => server.close(() => ok()))
    rmSync(dir, { recursive: true, force: true })
  })

  it('fails with a clear message, writes no binding, and leaves the Node build loadable and unchanged', async () => {
    const before = sha256(nodeBuild)
    const out = join(dir, 'native')
    // npm_config_nodedir is set on purpose: the script must not let it turn this into a Node-headers build.
    const result = await run(['--out', out, '--dist-url', headersUrl, '--devdir', join(dir, 'gyp')])

    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`rebuild:electron FAILED`)
    expect(result.stderr).toContain(
      `Could not build better-sqlite3 for Electron ${electronVersion}`,
    )
    expect(result.stderr).toContain(`could not download the Electron headers from ${headersUrl}`)
    expect(result.stderr).toContain(
      'node_modules/better-sqlite3/build (the Node build used by tests',
    )
    expect(result.stderr).toContain('is untouched')
    expect(result.stderr).toContain('npm run rebuild:electron')
    // It asked for Electron's headers, not Node's.
    expect(requested.some((u) => u.startsWith(`/headers/v${electronVersion}/`))).toBe(true)

    expect(existsSync(join(out, 'better_sqlite3.node'))).toBe(false)
    expect(existsSync(out)).toBe(false)
    expect(sha256(nodeBuild)).toBe(before)

    const load = spawnSync(
      process.execPath,
      [
        '-e',
        "const D=require('better-sqlite3');const db=new D(':memory:');console.log(db.prepare('select sqlite_version() v').get().v)",
      ],
      { cwd: root, encoding: 'utf8' },
    )
    expect(load.status).toBe(0)
    expect(load.stdout.trim()).toMatch(/^3\.\d+\.\d+$/)
  })
})
