import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '#shared/contract'
import { FileHandleSchema, PICKED_FILE_TTL_MS } from '#shared/contract/files.contract'
import { createPickedFileRegistry } from '#desktop/picked-files'

// The main process's record of files picked in the open dialog, without Electron: the dialog is a function
// that returns the path the test says the user chose.

let dir: string
let listFile: string
const LIST = '192.0.2.1\nexample.org\n'

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'te-picked-'))
  listFile = join(dir, 'list.txt')
  writeFileSync(listFile, LIST)
  mkdirSync(join(dir, 'folder'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A registry whose dialog picks the next path of `choices` (null: the user cancelled). */
const registryPicking = (choices: (string | null)[], now = { t: 1_000_000 }) => {
  const asked: number[] = []
  const registry = createPickedFileRegistry({
    choosePath: async (owner) => {
      asked.push(owner)
      return choices.shift() ?? null
    },
    now: () => now.t,
  })
  return { registry, asked, now }
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    return e instanceof AppError ? `${e.code}: ${e.message}` : `not an AppError: ${String(e)}`
  }
  return 'no error'
}

describe('picked files', () => {
  it('hands out a random handle, the base name and the size, and keeps the path', async () => {
    const { registry, asked } = registryPicking([listFile, listFile])
    const a = await registry.forOwner(7).pick()
    const b = await registry.forOwner(7).pick()
    expect(asked).toEqual([7, 7])
    expect(a).toEqual({ handle: expect.any(String), name: 'list.txt', size: LIST.length })
    expect(FileHandleSchema.safeParse(a?.handle).success).toBe(true)
    expect(b?.handle).not.toBe(a?.handle)
    expect(JSON.stringify(a)).not.toContain(dir)
    expect(registry.forOwner(7).pathOf(a?.handle ?? '', 'peek')).toBe(listFile)
  })

  it('a cancelled dialog gives null and holds nothing', async () => {
    const { registry } = registryPicking([null])
    expect(await registry.forOwner(1).pick()).toBeNull()
    expect(registry.size()).toBe(0)
  })

  it('refuses a folder and a file that is gone, naming the file only', async () => {
    const { registry } = registryPicking([join(dir, 'folder'), join(dir, 'gone.csv')])
    await expect(registry.forOwner(1).pick()).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'folder is not a file',
    })
    await expect(registry.forOwner(1).pick()).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/^gone\.csv: cannot read the file \(ENOENT\)$/),
    })
    expect(registry.size()).toBe(0)
  })

  it('refuses an unknown handle', () => {
    const { registry } = registryPicking([])
    expect(codeOf(() => registry.forOwner(1).pathOf('A'.repeat(32), 'peek'))).toMatch(
      /^not_found: handle: no file picked in this window has this handle/,
    )
  })

  it('a handle is good for one import: peeking leaves it, taking uses it up', async () => {
    const { registry } = registryPicking([listFile])
    const files = registry.forOwner(3)
    const picked = await files.pick()
    const handle = picked?.handle ?? ''
    expect(files.pathOf(handle, 'peek')).toBe(listFile)
    expect(files.pathOf(handle, 'peek')).toBe(listFile)
    expect(files.pathOf(handle, 'take')).toBe(listFile)
    expect(codeOf(() => files.pathOf(handle, 'take'))).toMatch(/^not_found: handle:/)
    expect(codeOf(() => files.pathOf(handle, 'peek'))).toMatch(/^not_found: handle:/)
  })

  it("refuses another window's handle exactly like an unknown one, and it stays good for its own", async () => {
    const { registry } = registryPicking([listFile])
    const picked = await registry.forOwner(1).pick()
    const handle = picked?.handle ?? ''
    const unknown = codeOf(() => registry.forOwner(2).pathOf('B'.repeat(32), 'take'))
    expect(codeOf(() => registry.forOwner(2).pathOf(handle, 'take'))).toBe(unknown)
    expect(codeOf(() => registry.forOwner(2).pathOf(handle, 'peek'))).toBe(unknown)
    expect(registry.forOwner(1).pathOf(handle, 'take')).toBe(listFile)
  })

  it('a handle expires after its time, used or not', async () => {
    const { registry, now } = registryPicking([listFile, listFile])
    const files = registry.forOwner(1)
    const early = (await files.pick())?.handle ?? ''
    now.t += PICKED_FILE_TTL_MS - 1
    expect(files.pathOf(early, 'peek')).toBe(listFile)
    const late = (await files.pick())?.handle ?? ''
    now.t += 1
    expect(codeOf(() => files.pathOf(early, 'take'))).toMatch(/^not_found: handle:/)
    expect(files.pathOf(late, 'take')).toBe(listFile)
    expect(registry.size()).toBe(0)
  })

  it("a closed window's handles go with it", async () => {
    const { registry } = registryPicking([listFile, listFile])
    const mine = (await registry.forOwner(1).pick())?.handle ?? ''
    const other = (await registry.forOwner(2).pick())?.handle ?? ''
    registry.forget(1)
    expect(codeOf(() => registry.forOwner(1).pathOf(mine, 'peek'))).toMatch(/^not_found/)
    expect(registry.forOwner(2).pathOf(other, 'peek')).toBe(listFile)
  })

  it('a page that keeps picking holds at most 32 handles: the oldest give way', async () => {
    const { registry } = registryPicking(Array.from({ length: 40 }, () => listFile))
    const handles: string[] = []
    for (let i = 0; i < 40; i += 1) handles.push((await registry.forOwner(1).pick())?.handle ?? '')
    expect(registry.size()).toBe(32)
    expect(codeOf(() => registry.forOwner(1).pathOf(handles[7] ?? '', 'peek'))).toMatch(
      /^not_found/,
    )
    expect(registry.forOwner(1).pathOf(handles[8] ?? '', 'peek')).toBe(listFile)
    expect(registry.forOwner(1).pathOf(handles[39] ?? '', 'peek')).toBe(listFile)
  })
})
