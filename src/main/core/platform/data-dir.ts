import { homedir } from 'node:os'
import { join } from 'node:path'

export type DataDirEnv = {
  platform?: NodeJS.Platform
  env?: NodeJS.ProcessEnv
  home?: string
}

/**
 * Where ThreatEye keeps its database, token and secrets when the user did not say. The desktop app and the
 * CLI resolve it the same way so `threateye serve` and the window open the same data.
 * `THREATEYE_DATA_DIR` wins everywhere; otherwise each OS's conventional per-user data location.
 */
export const defaultDataDir = (opts: DataDirEnv = {}): string => {
  const env = opts.env ?? process.env
  const platform = opts.platform ?? process.platform
  const home = opts.home ?? homedir()
  const explicit = env.THREATEYE_DATA_DIR?.trim()
  if (explicit) return explicit
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'ThreatEye')
    case 'win32':
      return join(env.APPDATA?.trim() || join(home, 'AppData', 'Roaming'), 'ThreatEye')
    default: {
      // XDG: a relative XDG_DATA_HOME is invalid per the spec and must be ignored.
      const xdg = env.XDG_DATA_HOME?.trim()
      const base = xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share')
      return join(base, 'threateye')
    }
  }
}
