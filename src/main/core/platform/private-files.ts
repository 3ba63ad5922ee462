import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from './logger'

/**
 * The data directory holds TLP:RED intelligence, the API token and stored secrets: only its owner may read
 * it. The directory is 0700 and every file in it 0600, the database's WAL, shared-memory and journal files
 * included (SQLite gives those the database file's mode when it creates them, so a private database keeps
 * them private). Windows has no such modes; its per-user profile folders are private already.
 *
 * Returns the files (and the directory) that were too open and have been tightened.
 */
export const makeDataDirPrivate = (dataDir: string, logger?: Logger): string[] => {
  if (process.platform === 'win32') {
    mkdirSync(dataDir, { recursive: true })
    return []
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const tightened: string[] = []
  const tighten = (path: string, mode: number, wanted: number) => {
    if ((mode & 0o777 & ~wanted) === 0) return
    chmodSync(path, wanted)
    tightened.push(path)
    logger?.warn('data directory entry was readable by other accounts; made private', {
      path,
      was: (mode & 0o777).toString(8),
      now: wanted.toString(8),
    })
  }
  tighten(dataDir, statSync(dataDir).mode, 0o700)
  for (const name of readdirSync(dataDir)) {
    const path = join(dataDir, name)
    const st = statSync(path, { throwIfNoEntry: false })
    // Only regular files: a folder someone keeps inside the data directory (exports, say) is theirs.
    if (st?.isFile()) tighten(path, st.mode, 0o600)
  }
  return tightened
}
