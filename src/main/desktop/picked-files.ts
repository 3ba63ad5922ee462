import { randomBytes } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppError } from '#shared/contract'
import { PICKED_FILE_TTL_MS, type PickedFile } from '#shared/contract/files.contract'
import type { PickedFiles } from '#core'

/** Who asked: the webContents id of the window whose page called (a number in Electron, any key in tests). */
export type PickOwner = number

export type PickedFileRegistry = {
  /** The picked files as the calls of one window see them (CallContext.files). */
  forOwner(owner: PickOwner): PickedFiles
  /** A window closed: its handles go with it. */
  forget(owner: PickOwner): void
  /** Handles currently held (tests). */
  size(): number
}

type Entry = { owner: PickOwner; path: string; expiresAt: number }

/** A page that keeps asking cannot grow the table without bound: the oldest handles give way. */
const MAX_HANDLES_PER_OWNER = 32

const refused = (): AppError =>
  new AppError(
    'not_found',
    'handle: no file picked in this window has this handle; a picked file is good for one import within 10 minutes: open it again',
    { field: 'handle' },
  )

/**
 * The main process's record of the files the user picked in an open dialog. The page gets a random handle, the
 * file's base name and size; the path stays here. A handle is bound to the window that opened the dialog, good
 * for one import (format detection may look first) and expires after PICKED_FILE_TTL_MS. Plain Node: the
 * Electron dialog is `choosePath` (src/main/desktop/file-dialog.ts), tests give their own.
 */
export const createPickedFileRegistry = (opts: {
  /** Shows the open dialog for this window; the chosen path, or null if the user cancelled. */
  choosePath: (owner: PickOwner) => Promise<string | null>
  /**
   * Shows a folder dialog for this window (warninglists.importPicked); the chosen folder or null. The core
   * reads it in the same call, so no handle is needed: the path never reaches the page.
   */
  chooseFolder?: (owner: PickOwner) => Promise<string | null>
  now?: () => number
  ttlMs?: number
}): PickedFileRegistry => {
  const now = opts.now ?? Date.now
  const ttl = opts.ttlMs ?? PICKED_FILE_TTL_MS
  // Insertion order is pick order, which the per-owner cap relies on.
  const entries = new Map<string, Entry>()

  const prune = () => {
    const t = now()
    for (const [handle, e] of entries) if (e.expiresAt <= t) entries.delete(handle)
  }

  const capOwner = (owner: PickOwner) => {
    const held = [...entries].filter(([, e]) => e.owner === owner)
    for (const [handle] of held.slice(0, Math.max(0, held.length - MAX_HANDLES_PER_OWNER + 1)))
      entries.delete(handle)
  }

  const pick = async (owner: PickOwner): Promise<PickedFile | null> => {
    const path = await opts.choosePath(owner)
    if (path === null) return null
    const name = basename(path)
    const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw new AppError('not_found', `${name}: cannot read the file (${e.code ?? e.message})`)
    })
    if (!info.isFile()) throw new AppError('invalid_input', `${name} is not a file`)
    prune()
    capOwner(owner)
    const handle = randomBytes(24).toString('base64url')
    entries.set(handle, { owner, path, expiresAt: now() + ttl })
    return { handle, name, size: info.size }
  }

  const pathOf = (owner: PickOwner, handle: string, use: 'peek' | 'take'): string => {
    prune()
    const entry = entries.get(handle)
    // Another window's handle is answered exactly like an unknown one: a page learns nothing of others.
    if (!entry || entry.owner !== owner) throw refused()
    if (use === 'take') entries.delete(handle)
    return entry.path
  }

  return {
    forOwner: (owner) => {
      const chooseFolder = opts.chooseFolder
      return {
        pick: () => pick(owner),
        pathOf: (handle, use) => pathOf(owner, handle, use),
        ...(chooseFolder === undefined ? {} : { pickFolder: () => chooseFolder(owner) }),
      }
    },
    forget(owner) {
      for (const [handle, e] of entries) if (e.owner === owner) entries.delete(handle)
    },
    size() {
      prune()
      return entries.size
    },
  }
}
