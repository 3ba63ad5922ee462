import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export type ElectronBinary =
  { available: true; path: string } | { available: false; reason: string }

/**
 * Finds the Electron executable the way node_modules/electron/index.js does, but without its side effect:
 * requiring that file downloads the binary when it is missing (and throws offline). Tests and scripts use this
 * to decide whether Electron can be launched here.
 */
export const findElectronBinary = (opts: {
  /** The electron package directory (node_modules/electron). */
  packageDir: string
  env?: Record<string, string | undefined>
}): ElectronBinary => {
  const pathFile = join(opts.packageDir, 'path.txt')
  if (!existsSync(join(opts.packageDir, 'package.json'))) {
    return {
      available: false,
      reason: `the electron package is not installed (${opts.packageDir})`,
    }
  }
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined
  const override = opts.env?.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const path = join(override, relative || 'electron')
    return existsSync(path)
      ? { available: true, path }
      : {
          available: false,
          reason: `ELECTRON_OVERRIDE_DIST_PATH points at ${path}, which does not exist`,
        }
  }
  if (!relative) {
    return {
      available: false,
      reason: `${pathFile} is missing: the Electron binary was never downloaded (it is fetched on first use of node_modules/electron)`,
    }
  }
  const path = join(opts.packageDir, 'dist', relative)
  return existsSync(path)
    ? { available: true, path }
    : { available: false, reason: `${path} does not exist` }
}
