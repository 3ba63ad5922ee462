import { existsSync, statSync } from 'node:fs'
import { readFile, readdir, stat } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { AppError } from '#shared/contract/errors'
import { type Warninglist, type WarninglistIssue, parseWarninglistText } from './warninglist-format'

/** A list file larger than this is refused before it is read (the largest MISP lists are a few MB). */
export const MAX_LIST_FILE_BYTES = 64 * 1024 * 1024
/** Files looked at in one folder, so pointing the importer at a home directory cannot run away. */
export const MAX_LIST_FILES = 2000

export type LoadedWarninglists = {
  lists: Warninglist[]
  /** Files refused whole (each reason names the file and the field). */
  errors: WarninglistIssue[]
  /** Entries dropped from lists that were kept. */
  issues: WarninglistIssue[]
}

/** `*.json` in the folder and `*\/list.json` one level down (the layout of the MISP warninglists repository). */
const listFiles = async (dir: string): Promise<string[]> => {
  const files: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name.endsWith('.json')) files.push(join(dir, e.name))
    else if (e.isDirectory()) {
      const inner = join(dir, e.name, 'list.json')
      if (existsSync(inner)) files.push(inner)
    }
  }
  return files.sort()
}

/** One list file as read from a folder: its path relative to the folder, and its text. */
export type WarninglistFile = { name: string; content: string }

/**
 * The list files of a folder, read but not parsed (the importer parses them; so does loadWarninglistFolder).
 * A file that is too large or cannot be read is reported and the others are still read.
 */
export const readWarninglistFolder = async (
  dir: string,
): Promise<{ files: WarninglistFile[]; errors: WarninglistIssue[] }> => {
  let dirStat
  try {
    dirStat = await stat(dir)
  } catch {
    throw new AppError('not_found', `warninglist folder ${dir} does not exist`, { path: dir })
  }
  if (!dirStat.isDirectory()) {
    throw new AppError('invalid_input', `${dir} is not a folder`, { path: dir })
  }
  const paths = await listFiles(dir)
  const out: { files: WarninglistFile[]; errors: WarninglistIssue[] } = { files: [], errors: [] }
  if (paths.length > MAX_LIST_FILES) {
    out.errors.push({
      file: dir,
      field: '(folder)',
      message: `has ${paths.length} list files; only the first ${MAX_LIST_FILES} are read`,
    })
  }
  for (const path of paths.slice(0, MAX_LIST_FILES)) {
    const file = relative(dir, path) || basename(path)
    const size = (await stat(path)).size
    if (size > MAX_LIST_FILE_BYTES) {
      out.errors.push({
        file,
        field: '(file)',
        message: `is ${size} bytes, more than ${MAX_LIST_FILE_BYTES}`,
      })
      continue
    }
    try {
      out.files.push({ name: file, content: await readFile(path, 'utf8') })
    } catch (e) {
      out.errors.push({
        file,
        field: '(file)',
        message: `cannot be read: ${e instanceof Error ? e.message : String(e)}`,
      })
    }
  }
  return out
}

/**
 * Read every warninglist in a folder. Each file stands alone: one that cannot be read or validated is
 * reported and the others still load. Two files with the same list name keep the first (by path order) and
 * report the second.
 */
export const loadWarninglistFolder = async (dir: string): Promise<LoadedWarninglists> => {
  const read = await readWarninglistFolder(dir)
  const out: LoadedWarninglists = { lists: [], errors: read.errors, issues: [] }
  const names = new Set<string>()
  for (const { name: file, content: text } of read.files) {
    const parsed = parseWarninglistText(file, text)
    if (!parsed.ok) {
      out.errors.push(...parsed.errors)
      continue
    }
    if (names.has(parsed.list.name)) {
      out.errors.push({
        file,
        field: 'name',
        message: `${JSON.stringify(parsed.list.name)} is already the name of another list in this folder`,
      })
      continue
    }
    names.add(parsed.list.name)
    out.lists.push(parsed.list)
    out.issues.push(...parsed.issues)
    if (parsed.droppedIssues > 0) {
      out.issues.push({
        file,
        field: 'list',
        message: `${parsed.droppedIssues} more entries were dropped`,
      })
    }
  }
  return out
}

const BUILTIN_DIR = join('resources', 'warninglists')

/**
 * Where the built-in lists are: `resources/warninglists` at the app root. The root is found by walking up
 * from this module, which runs from src/main/core/warninglists (tests, tsx), out/main or a chunk below it
 * (`serve`, the desktop build) or app.asar/out/main (the packaged app; electron-builder.yml packs the folder).
 */
export const builtinWarninglistDir = (from: string = __dirname): string => {
  let dir = from
  for (let up = 0; up < 6; up++) {
    const candidate = join(dir, BUILTIN_DIR)
    try {
      if (statSync(candidate).isDirectory()) return candidate
    } catch {
      // not at this level
    }
    dir = dirname(dir)
  }
  throw new AppError(
    'not_found',
    `the built-in warninglists (${BUILTIN_DIR}) were not found above ${from}`,
  )
}

export const loadBuiltinWarninglists = (): Promise<LoadedWarninglists> =>
  loadWarninglistFolder(builtinWarninglistDir())
