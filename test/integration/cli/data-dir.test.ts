import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultDataDir } from '#core/platform/data-dir'

const home = '/home/ana'

describe('defaultDataDir', () => {
  it('prefers THREATEYE_DATA_DIR on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(defaultDataDir({ platform, home, env: { THREATEYE_DATA_DIR: '/srv/te' } })).toBe(
        '/srv/te',
      )
    }
  })

  it('follows XDG on Linux, ignoring a relative XDG_DATA_HOME', () => {
    expect(defaultDataDir({ platform: 'linux', home, env: {} })).toBe(
      join(home, '.local', 'share', 'threateye'),
    )
    expect(defaultDataDir({ platform: 'linux', home, env: { XDG_DATA_HOME: '/data/xdg' } })).toBe(
      join('/data/xdg', 'threateye'),
    )
    expect(defaultDataDir({ platform: 'linux', home, env: { XDG_DATA_HOME: 'rel/path' } })).toBe(
      join(home, '.local', 'share', 'threateye'),
    )
  })

  it('uses Application Support on macOS and APPDATA on Windows', () => {
    expect(defaultDataDir({ platform: 'darwin', home, env: {} })).toBe(
      join(home, 'Library', 'Application Support', 'ThreatEye'),
    )
    expect(
      defaultDataDir({
        platform: 'win32',
        home,
        env: { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' },
      }),
    ).toBe(join('C:\\Users\\ana\\AppData\\Roaming', 'ThreatEye'))
    expect(defaultDataDir({ platform: 'win32', home, env: {} })).toBe(
      join(home, 'AppData', 'Roaming', 'ThreatEye'),
    )
  })
})
