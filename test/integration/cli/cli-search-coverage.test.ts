import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli-support'

// `threateye indicators search` while the search index cannot take in the latest rows: the result says
// it may be incomplete (a line on stderr; the fields in --json) instead of passing a miss off as final.
// The index is held back by a write lock on search.sqlite that the test holds: its worker cannot apply
// the log, so the command's search finds the index behind, whatever the machine's speed.

let dataDir: string
const cli = (...args: string[]) => runCli([...args, '--data-dir', dataDir])

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
})

describe('indicators search while the index is behind', () => {
  it('prints the notice on stderr and the fields in --json, and neither once the index caught up', async () => {
    const seen = await cli('indicators', 'add', 'seen.example')
    expect(seen.code, seen.stderr).toBe(0)

    const lock = new Database(join(dataDir, 'search.sqlite'))
    try {
      lock.pragma('busy_timeout = 10000')
      lock.exec('BEGIN IMMEDIATE')
      const added = await cli('indicators', 'add', 'unseen.example')
      expect(added.code, added.stderr).toBe(0)
      // Each of these commands waits out the lock once (the worker's busy timeout) before it exits.
      const behind = await cli('indicators', 'search', 'unseen.example', '--json')
      expect(behind.code, behind.stderr).toBe(0)
      expect(behind.stderr).toContain(
        'Search index is rebuilding: 1 of 2 indexed; results may be incomplete',
      )
      expect(JSON.parse(behind.stdout)).toMatchObject({
        items: [],
        partial: true,
        indexProgress: { indexed: 1, total: 2 },
      })
    } finally {
      lock.exec('ROLLBACK')
      lock.close()
    }

    const after = await cli('indicators', 'search', 'unseen.example', '--json')
    expect(after.code, after.stderr).toBe(0)
    const page = JSON.parse(after.stdout) as { items: { value: string }[]; partial: boolean }
    expect(page.items.map((i) => i.value)).toEqual(['unseen.example'])
    expect(page.partial).toBe(false)
    expect(after.stderr).not.toMatch(/Search index/)
  }, 60_000)
})
