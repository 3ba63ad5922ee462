import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RpcResult } from '#shared/contract'
import type { PickedFile } from '#shared/contract/files.contract'
import { createIpcDispatch } from '#desktop/ipc-dispatch'
import { createPickedFileRegistry } from '#desktop/picked-files'
import { restCall, startTestServer, type TestServer } from '../server/http-support'

// Local files reach an import from the desktop's window only as a handle to what the user picked in the main
// process's dialog. The real IPC dispatch over a real core, the dialog replaced by the path the test picks;
// the same core behind the real fastify server for what HTTP callers may do.

const FRAME = 'file:///opt/threateye/out/renderer/index.html'
const WINDOW = 1
const OTHER_WINDOW = 2

let t: TestServer
/** What the user chooses in the next dialog (null: cancel). */
const choices: (string | null)[] = []
let invoke: ReturnType<typeof createIpcDispatch>
let secretFile: string
let csvFile: string
let gzFile: string

const SECRET = 'root:x:0:0:never-to-be-read-by-the-page:/root:/bin/bash\n'
const CSV = 'host;seen;notes\nipc-1.example;2024-01-01;x\nipc-2.example;2024-01-02;y\n'

beforeAll(async () => {
  t = await startTestServer()
  secretFile = join(t.dir, 'passwd')
  writeFileSync(secretFile, SECRET)
  csvFile = join(t.dir, 'hosts.csv')
  writeFileSync(csvFile, CSV)
  gzFile = join(t.dir, 'list.txt.gz')
  writeFileSync(gzFile, gzipSync('gz-1.example\n192.0.2.77\n'))
  const files = createPickedFileRegistry({ choosePath: async () => choices.shift() ?? null })
  invoke = createIpcDispatch({
    dispatch: t.core.dispatch,
    isTrustedSender: (u) => u === FRAME,
    files,
  })
})
afterAll(async () => {
  await t.close()
})

const ipc = (method: string, input: unknown, sender: number | undefined = WINDOW) =>
  invoke(FRAME, method, input, sender)

const valueOf = <T>(r: RpcResult<unknown>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value as T
}

const pick = async (path: string, sender = WINDOW): Promise<PickedFile> => {
  choices.push(path)
  const { file } = valueOf<{ file: PickedFile | null }>(await ipc('files.pickImport', {}, sender))
  if (!file) throw new Error('nothing picked')
  return file
}

const runCount = async (): Promise<number> =>
  (await t.core.call('feeds.runs', { limit: 100 })).items.length

describe('importing a picked file over IPC', () => {
  it('detects, maps and imports a picked CSV by its handle, which is then used up', async () => {
    const file = await pick(csvFile)
    expect(file).toEqual({ handle: expect.any(String), name: 'hosts.csv', size: CSV.length })

    const detected = valueOf(await ipc('feeds.detectFormat', { handle: file.handle }))
    expect(detected).toEqual({
      ambiguous: ['generic-csv', 'text'],
      csv: {
        delimiter: ';',
        columns: ['host', 'seen', 'notes'],
        rows: [
          ['ipc-1.example', '2024-01-01', 'x'],
          ['ipc-2.example', '2024-01-02', 'y'],
        ],
        mapping: null,
      },
    })

    const run = valueOf<{ status: string; source: string; created: number; trigger: string }>(
      await ipc('feeds.importFile', {
        handle: file.handle,
        format: 'generic-csv',
        mapping: { delimiter: ';', valueColumn: 'host', firstSeenColumn: 'seen' },
      }),
    )
    expect(run).toMatchObject({
      status: 'succeeded',
      source: 'hosts.csv',
      created: 2,
      trigger: 'import',
    })
    expect(await t.core.call('indicators.lookup', { value: 'ipc-2.example' })).not.toBeNull()

    const before = await runCount()
    const again = await ipc('feeds.importFile', { handle: file.handle, format: 'text' })
    expect(again).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(!again.ok && again.error.message).toMatch(/pick|open it again/i)
    expect(await runCount()).toBe(before)
  })

  it('reads a compressed picked file as the import will', async () => {
    const file = await pick(gzFile)
    expect(valueOf(await ipc('feeds.detectFormat', { handle: file.handle }))).toEqual({
      format: 'text',
    })
    const run = valueOf<{ status: string; created: number }>(
      await ipc('feeds.importFile', { handle: file.handle }),
    )
    expect(run).toMatchObject({ status: 'succeeded', created: 2 })
  })

  it("refuses another window's handle, and the window that picked it can still use it", async () => {
    const file = await pick(csvFile, WINDOW)
    const before = await runCount()
    const calls: [string, unknown][] = [
      ['feeds.detectFormat', { handle: file.handle }],
      ['feeds.importFile', { handle: file.handle, format: 'text' }],
    ]
    for (const [method, input] of calls) {
      const r = await ipc(method, input, OTHER_WINDOW)
      expect(r, method).toMatchObject({ ok: false, error: { code: 'not_found' } })
    }
    expect(await runCount()).toBe(before)
    const run = valueOf<{ status: string }>(
      await ipc('feeds.importFile', { handle: file.handle, format: 'text' }),
    )
    expect(run.status).toBe('succeeded')
  })

  it('a cancelled dialog picks nothing', async () => {
    choices.push(null)
    expect(valueOf(await ipc('files.pickImport', {}))).toEqual({ file: null })
  })

  it('refuses a path from the window, reading nothing and echoing nothing of the file', async () => {
    const before = await runCount()
    for (const input of [
      { path: secretFile, format: 'text' },
      { path: secretFile, format: 'auto', name: 'innocent' },
    ]) {
      const r = await ipc('feeds.importFile', input)
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'forbidden', details: { field: 'path' } },
      })
      expect(!r.ok && r.error.message).toContain('Open file…')
      expect(JSON.stringify(r)).not.toContain('never-to-be-read')
    }
    expect(await runCount()).toBe(before)
  })

  it('refuses a handle made up by the page, and both a path and a handle', async () => {
    const madeUp = await ipc('feeds.importFile', { handle: 'A'.repeat(32), format: 'text' })
    expect(madeUp).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const file = await pick(csvFile)
    const both = await ipc('feeds.importFile', { handle: file.handle, path: secretFile })
    expect(both).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(!both.ok && both.error.message).toContain('exactly one of path or handle')
    const notAHandle = await ipc('feeds.importFile', { handle: '../../etc/passwd' })
    expect(notAHandle).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('a call that does not say which window it comes from has no picked files', async () => {
    choices.push(csvFile)
    const r = await invoke(FRAME, 'files.pickImport', {})
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    // The dialog was never shown.
    expect(choices.splice(0)).toEqual([csvFile])
  })
})

describe('feeds reading a local file, from the window', () => {
  type FeedOut = { id: string; path: string | null; url: string | null }

  it('adds one only from a picked file, keeping the handle until the feed is saved', async () => {
    const refused = await ipc('feeds.create', { name: 'passwd', format: 'text', path: secretFile })
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { field: 'path' } },
    })
    expect(valueOf<{ items: unknown[] }>(await ipc('feeds.list', {})).items).toEqual([])

    const file = await pick(gzFile)
    const taken = await ipc('feeds.create', {
      name: 'Picked list',
      format: 'text',
      handle: file.handle,
    })
    const feed = valueOf<FeedOut>(taken)
    expect(feed).toMatchObject({ path: gzFile, url: null })
    const run = valueOf<{ status: string }>(await ipc('feeds.run', { id: feed.id, wait: true }))
    expect(run.status).toBe('succeeded')

    // A refused save (the name is taken) leaves the handle good for the corrected one.
    const again = await pick(csvFile)
    const clash = await ipc('feeds.create', {
      name: 'Picked list',
      format: 'text',
      handle: again.handle,
    })
    expect(clash).toMatchObject({ ok: false, error: { code: 'conflict' } })
    const second = valueOf<FeedOut>(
      await ipc('feeds.create', { name: 'Picked CSV', format: 'text', handle: again.handle }),
    )
    expect(second.path).toBe(csvFile)
    const used = await ipc('feeds.create', { name: 'Third', format: 'text', handle: again.handle })
    expect(used).toMatchObject({ ok: false, error: { code: 'not_found' } })
  })

  it('edits one keeping its path, changes its file only to a picked one', async () => {
    const file = await pick(csvFile)
    const feed = valueOf<FeedOut>(
      await ipc('feeds.create', { name: 'Editable', format: 'text', handle: file.handle }),
    )
    // The form sends back the path it showed.
    const kept = await ipc('feeds.update', { id: feed.id, patch: { path: csvFile, tags: ['x'] } })
    expect(valueOf<FeedOut>(kept).path).toBe(csvFile)
    const moved = await ipc('feeds.update', { id: feed.id, patch: { path: secretFile } })
    expect(moved).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { field: 'path' } },
    })
    const other = await pick(gzFile)
    const repointed = await ipc('feeds.update', { id: feed.id, patch: { handle: other.handle } })
    expect(valueOf<FeedOut>(repointed).path).toBe(gzFile)
    const both = await ipc('feeds.update', {
      id: feed.id,
      patch: { handle: other.handle, path: gzFile },
    })
    expect(both).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })
})

describe('local files over HTTP', () => {
  it('refuses a path, a handle and the dialog, pointing at importText or the CLI', async () => {
    const file = await pick(csvFile)
    const before = await runCount()
    const calls: [string, unknown][] = [
      ['feeds.importFile', { path: secretFile, format: 'text' }],
      ['feeds.importFile', { handle: file.handle, format: 'text' }],
      ['feeds.detectFormat', { handle: file.handle }],
      ['files.pickImport', {}],
      ['feeds.create', { name: 'by handle', format: 'text', handle: file.handle }],
    ]
    for (const [method, input] of calls) {
      const r = await restCall(t, 'POST', `/api/rpc/${method}`, input)
      expect(r.status, method).toBe(403)
      expect(r.body, method).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      expect(JSON.stringify(r.body), method).toMatch(/feeds\.importText/)
      expect(JSON.stringify(r.body), method).not.toContain('never-to-be-read')
    }
    expect(await runCount()).toBe(before)
    // Still the window's to use.
    expect(
      valueOf<{ status: string }>(
        await ipc('feeds.importFile', { handle: file.handle, format: 'text' }),
      ),
    ).toMatchObject({
      status: 'succeeded',
    })
  })
})

describe('local files in-process (the CLI)', () => {
  it('still imports by path, and has no dialog', async () => {
    const run = await t.core.call('feeds.importFile', { path: gzFile, format: 'auto' })
    expect(run).toMatchObject({ status: 'succeeded', source: 'list.txt.gz' })
    await expect(t.core.call('files.pickImport', {})).rejects.toMatchObject({ code: 'forbidden' })
  })
})
