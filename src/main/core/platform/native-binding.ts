import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Where `npm run rebuild:electron` (scripts/rebuild-electron.mjs) puts the Electron-ABI better-sqlite3 build.
 * It lives beside node_modules, never inside it: node_modules/better-sqlite3/build stays the Node-ABI build that
 * tests, the CLI and `npm run serve` load.
 */
export const ELECTRON_NATIVE_DIR = '.electron-native'
export const ELECTRON_NATIVE_BINDING_FILE = 'better_sqlite3.node'
/** Written next to the binding: which Electron (and ABI) it was built for. */
export const ELECTRON_NATIVE_META_FILE = 'better_sqlite3.json'

export type NativeBindingMeta = { electronVersion: string; abi: string; builtAt: string }

/**
 * The better-sqlite3 binding the desktop passes to TypeORM as `nativeBinding`: $THREATEYE_NATIVE_BINDING if set
 * (packagers put the file elsewhere), else `<appRoot>/.electron-native/better_sqlite3.node` if it exists (in a
 * package, its copy in app.asar.unpacked). Undefined means "none found": the caller reports it, because
 * better-sqlite3's own default build is Node's and would not load in Electron.
 */
export const resolveElectronNativeBinding = (opts: {
  appRoot: string
  env?: Record<string, string | undefined>
  exists?: (path: string) => boolean
}): string | undefined => {
  const exists = opts.exists ?? existsSync
  const fromEnv = opts.env?.THREATEYE_NATIVE_BINDING
  if (fromEnv) return fromEnv
  const candidate = join(opts.appRoot, ELECTRON_NATIVE_DIR, ELECTRON_NATIVE_BINDING_FILE)
  // Packaged, appRoot is resources/app.asar and electron-builder's asarUnpack (electron-builder.yml) puts the
  // binding beside it in app.asar.unpacked: the OS loader needs a real file, not an archive entry.
  const unpacked = candidate.replace(/\.asar(?=[\\/])/, '.asar.unpacked')
  if (unpacked !== candidate && exists(unpacked)) return unpacked
  return exists(candidate) ? candidate : undefined
}
