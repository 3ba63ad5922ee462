import { statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { AppError } from '#shared/contract/errors'
import { parseCatalogue, type AttackCatalogue } from './attack-catalogue'

const BUILTIN_FILE = join('resources', 'attack', 'enterprise-attack.json')

/**
 * Where the built-in catalogue is: `resources/attack/enterprise-attack.json` at the app root, found by
 * walking up from this module as the warninglists are (warninglist-loader.ts): it runs from
 * src/main/core/attack (tests, tsx), out/main or a chunk below it (`serve`, the desktop build) or
 * app.asar/out/main (the packaged app; electron-builder.yml packs the file).
 */
export const builtinCatalogueFile = (from: string = __dirname): string => {
  let dir = from
  for (let up = 0; up < 6; up++) {
    const candidate = join(dir, BUILTIN_FILE)
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // not at this level
    }
    dir = dirname(dir)
  }
  throw new AppError(
    'not_found',
    `the built-in ATT&CK catalogue (${BUILTIN_FILE}) was not found above ${from}`,
  )
}

export const loadBuiltinCatalogue = async (
  file: string = builtinCatalogueFile(),
): Promise<AttackCatalogue> => {
  let doc: unknown
  try {
    doc = JSON.parse(await readFile(file, 'utf8'))
  } catch (e) {
    throw new AppError(
      'internal',
      `the built-in ATT&CK catalogue ${file} cannot be read: ${e instanceof Error ? e.message : String(e)}`,
    )
  }
  return parseCatalogue(doc, file)
}
