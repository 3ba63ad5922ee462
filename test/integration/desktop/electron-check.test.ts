import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// scripts/electron-check.mjs (`npm run lint:electron`, part of `npm test`) over small sources of our own: it
// must fail on what Electronegativity rates medium or high and name each finding, and pass a hardened window.

const root = resolve(__dirname, '../../..')

const check = (input: string) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(
      process.execPath,
      [join(root, 'scripts/electron-check.mjs'), '--input', input],
      { cwd: root },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })

// What every fixture has besides its window, so the global checks (navigation limits, a permission handler, a
// CSP) are satisfied and each test is about the window's preferences alone.
const SHELL = {
  'guards.ts': `import { app, session } from 'electron'
app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-navigate', (event) => event.preventDefault())
})
session.defaultSession.setPermissionRequestHandler((_c, _p, callback) => callback(false))
`,
  'index.html': `<!doctype html>
<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; object-src 'none'" /></head><body></body></html>
`,
}

const HARDENED = `import { BrowserWindow } from 'electron'
export const open = (preload: string) =>
  new BrowserWindow({
    webPreferences: {
      preload, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick',
    },
  })
`

// The shape the checker could not follow before: the preferences come from a helper.
const INDIRECT = `import { BrowserWindow } from 'electron'
import { prefs } from './prefs'
export const open = () => new BrowserWindow({ webPreferences: prefs() })
`

const LOOSE = `import { BrowserWindow } from 'electron'
export const open = () =>
  new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false } })
`

let dir: string
const source = (name: string, files: Record<string, string>) => {
  const at = join(dir, name)
  mkdirSync(at)
  for (const [file, text] of Object.entries({ ...SHELL, ...files }))
    writeFileSync(join(at, file), text)
  return at
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'te-electron-check-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('scripts/electron-check.mjs', () => {
  it('passes a window whose hardened preferences are written where it is created', async () => {
    const result = await check(source('hardened', { 'window.ts': HARDENED }))
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/0 high or medium/)
    // Quiet: no banner, no table, no word of the translations it could not fetch.
    expect(result.stdout.trim().split('\n')).toHaveLength(1)
  })

  it('fails on preferences it cannot see, naming each finding with its file and line', async () => {
    const result = await check(source('indirect', { 'window.ts': INDIRECT }))
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/window\.ts:3:\d+ {2}CONTEXT_ISOLATION_JS_CHECK \(HIGH/)
    expect(result.stderr).toMatch(/SANDBOX_JS_CHECK \(MEDIUM/)
    expect(result.stderr).toMatch(/AUXCLICK_JS_CHECK \(MEDIUM/)
    expect(result.stderr).toMatch(/3 high or medium/)
  })

  it('asks for a review of any preload script (as src/main/desktop/window.ts answers in a comment)', async () => {
    const result = await check(
      source('preload', { 'window.ts': HARDENED.replace(' // eng-disable PRELOAD_JS_CHECK', '') }),
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/window\.ts:5:\d+ {2}PRELOAD_JS_CHECK \(MEDIUM/)
  })

  it('fails on preferences that switch the protections off', async () => {
    const result = await check(source('loose', { 'window.ts': LOOSE }))
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('CONTEXT_ISOLATION_JS_CHECK (HIGH')
    expect(result.stderr).toContain('SANDBOX_JS_CHECK (MEDIUM')
  })

  it('fails on a file it cannot parse, since it did not check it', async () => {
    const result = await check(
      source('broken', { 'window.ts': HARDENED, 'broken.js': 'export const = {{' }),
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/broken\.js {2}not checked/)
  })
})
