import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures')

export type CliResult = { code: number | null; stdout: string; stderr: string }

/**
 * The CLI as users run it, in a child process, from source through tsx (no build needed). tsx must read the
 * Node tsconfig: the TypeORM entities need its decorator settings.
 */
export const spawnCli = (args: readonly string[], env: Record<string, string> = {}): ChildProcess =>
  spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src', 'main', 'cli', 'main.ts'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.node.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )

export const runCli = (
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> =>
  new Promise((resolvePromise, reject) => {
    const child = spawnCli(args, env)
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }))
  })

/** Resolves with the first stdout line matching `pattern` (the server's "serving" line). */
export const waitForLine = (child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> =>
  new Promise((resolvePromise, reject) => {
    let buffer = ''
    let stderr = ''
    const onData = (d: string) => {
      buffer += d
      const m = pattern.exec(buffer)
      if (m) {
        child.stdout?.off('data', onData)
        resolvePromise(m)
      }
    }
    child.stdout?.setEncoding('utf8').on('data', onData)
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('exit', (code) =>
      reject(new Error(`CLI exited (${code}) before printing ${pattern}: ${stderr}`)),
    )
  })

export const exitOf = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)))
