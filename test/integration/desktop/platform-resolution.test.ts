import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findElectronBinary } from '#desktop/electron-binary'
import {
  ELECTRON_NATIVE_BINDING_FILE,
  ELECTRON_NATIVE_DIR,
  resolveElectronNativeBinding,
} from '#core/platform/native-binding'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('resolveElectronNativeBinding', () => {
  it('is undefined when no Electron build exists', () => {
    expect(resolveElectronNativeBinding({ appRoot: dir, env: {} })).toBeUndefined()
  })

  it('finds .electron-native/better_sqlite3.node under the app root', () => {
    mkdirSync(join(dir, ELECTRON_NATIVE_DIR))
    writeFileSync(join(dir, ELECTRON_NATIVE_DIR, ELECTRON_NATIVE_BINDING_FILE), 'x')
    expect(resolveElectronNativeBinding({ appRoot: dir, env: {} })).toBe(
      join(dir, '.electron-native', 'better_sqlite3.node'),
    )
  })

  it('in a package, finds the copy electron-builder unpacked beside app.asar', () => {
    // electron-builder.yml asarUnpacks .electron-native/: the OS loader cannot open a file inside the archive.
    const appRoot = join(dir, 'resources', 'app.asar')
    const unpacked = join(dir, 'resources', 'app.asar.unpacked', ELECTRON_NATIVE_DIR)
    mkdirSync(unpacked, { recursive: true })
    writeFileSync(join(unpacked, ELECTRON_NATIVE_BINDING_FILE), 'x')
    expect(resolveElectronNativeBinding({ appRoot, env: {} })).toBe(
      join(unpacked, ELECTRON_NATIVE_BINDING_FILE),
    )
  })

  it('prefers $THREATEYE_NATIVE_BINDING', () => {
    expect(
      resolveElectronNativeBinding({
        appRoot: dir,
        env: { THREATEYE_NATIVE_BINDING: '/opt/b.node' },
      }),
    ).toBe('/opt/b.node')
  })
})

describe('findElectronBinary', () => {
  const fakePackage = (withPathTxt: string | null, withBinary: boolean) => {
    const pkg = join(dir, 'electron')
    mkdirSync(join(pkg, 'dist'), { recursive: true })
    writeFileSync(join(pkg, 'package.json'), '{"name":"electron"}')
    if (withPathTxt !== null) writeFileSync(join(pkg, 'path.txt'), withPathTxt)
    if (withBinary) writeFileSync(join(pkg, 'dist', 'electron'), '')
    return pkg
  }

  it('reports a never-downloaded binary without trying to download it', () => {
    const result = findElectronBinary({ packageDir: fakePackage(null, false), env: {} })
    expect(result.available).toBe(false)
    if (!result.available) expect(result.reason).toMatch(/never downloaded/)
  })

  it('reports a path.txt whose binary is gone', () => {
    const result = findElectronBinary({ packageDir: fakePackage('electron', false), env: {} })
    expect(result).toEqual({
      available: false,
      reason: `${join(dir, 'electron', 'dist', 'electron')} does not exist`,
    })
  })

  it('finds a downloaded binary', () => {
    const pkg = fakePackage('electron', true)
    expect(findElectronBinary({ packageDir: pkg, env: {} })).toEqual({
      available: true,
      path: join(pkg, 'dist', 'electron'),
    })
  })

  it('honours ELECTRON_OVERRIDE_DIST_PATH like electron/index.js does', () => {
    const pkg = fakePackage(null, false)
    const dist = join(dir, 'custom-dist')
    mkdirSync(dist)
    writeFileSync(join(dist, 'electron'), '')
    expect(
      findElectronBinary({ packageDir: pkg, env: { ELECTRON_OVERRIDE_DIST_PATH: dist } }),
    ).toEqual({
      available: true,
      path: join(dist, 'electron'),
    })
  })

  it('says so when the electron package is not installed at all', () => {
    const result = findElectronBinary({ packageDir: join(dir, 'nope'), env: {} })
    expect(result.available).toBe(false)
  })

  it('answers for this checkout without touching the network', () => {
    // Whatever the answer, it must come back (no download attempt, no throw) and be self-consistent.
    const result = findElectronBinary({ packageDir: resolve('node_modules/electron'), env: {} })
    expect(result.available ? result.path : result.reason).toMatch(/electron/)
  })
})
