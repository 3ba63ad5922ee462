import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryLogger } from '#core/platform/logger'
import { loadOrCreateToken } from '#server/api-token'
import { openCore } from '../../../support/test-core'

// The data directory holds TLP:RED intelligence, the API token and secrets: no other account may read any of it.

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const tempRoot = () => {
  const d = mkdtempSync(join(tmpdir(), 'te-private-'))
  dirs.push(d)
  return d
}
const modeOf = (path: string) => statSync(path).mode & 0o777

/** Every regular file in the directory with its mode, e.g. { 'threateye.sqlite': 0o600 }. */
const filesOf = (dir: string): Record<string, number> =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((n) => statSync(join(dir, n)).isFile())
      .map((n) => [n, modeOf(join(dir, n))]),
  )

describe.runIf(process.platform !== 'win32')('a private data directory', () => {
  it('is created 0700, and every file in it, WAL and shared memory included, 0600', async () => {
    const dir = join(tempRoot(), 'data')
    const t = await openCore({ dir })
    try {
      await t.core.call('indicators.create', { value: '203.0.113.9' })
      await t.core.waitForIdle()
      loadOrCreateToken(dir)
      expect(modeOf(dir)).toBe(0o700)
      const files = filesOf(dir)
      // The databases and their WAL and shared-memory files are there while the core runs.
      expect(Object.keys(files)).toEqual(
        expect.arrayContaining([
          'threateye.sqlite',
          'threateye.sqlite-wal',
          'threateye.sqlite-shm',
          'search.sqlite',
          'api-token',
        ]),
      )
      for (const [name, mode] of Object.entries(files)) expect([name, mode]).toEqual([name, 0o600])
    } finally {
      await t.core.stop()
    }
  })

  it('tightens an existing directory, token and secrets file that are too open, and says so', async () => {
    const dir = join(tempRoot(), 'data')
    mkdirSync(dir, { mode: 0o755 })
    chmodSync(dir, 0o755)
    writeFileSync(join(dir, 'api-token'), 'x'.repeat(43) + '\n', { mode: 0o644 })
    writeFileSync(join(dir, 'secrets.json'), '{}', { mode: 0o644 })
    chmodSync(join(dir, 'api-token'), 0o644)
    chmodSync(join(dir, 'secrets.json'), 0o644)
    const logger = createMemoryLogger()
    const t = await openCore({ dir, logger })
    try {
      expect(modeOf(dir)).toBe(0o700)
      expect(modeOf(join(dir, 'api-token'))).toBe(0o600)
      expect(modeOf(join(dir, 'secrets.json'))).toBe(0o600)
      const said = logger.lines
        .map((l) => JSON.parse(l) as { message: string; path?: string })
        .filter((e) => e.message.includes('made private'))
        .map((e) => e.path)
      expect(said).toEqual(
        expect.arrayContaining([dir, join(dir, 'api-token'), join(dir, 'secrets.json')]),
      )
    } finally {
      await t.core.stop()
    }
  })
})
