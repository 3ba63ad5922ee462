import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract/errors'
import { builtinWarninglistDir, loadWarninglistFolder } from '#core/warninglists/warninglist-loader'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'te-warn-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const list = (name: string, type: string, entries: unknown[]) =>
  JSON.stringify({ name, description: `${name} list`, version: 1, type, list: entries })

describe('loadWarninglistFolder', () => {
  it('loads the good files, reports the bad ones by file and field, and keeps going', async () => {
    writeFileSync(join(dir, 'a-hosts.json'), list('hosts', 'hostname', ['example.com', 'bad!']))
    writeFileSync(join(dir, 'b-broken.json'), '{"name": "broken", ')
    writeFileSync(
      join(dir, 'c-no-type.json'),
      JSON.stringify({ name: 'x', description: 'd', version: 1, list: [] }),
    )
    writeFileSync(join(dir, 'd-dup.json'), list('hosts', 'string', ['x']))
    writeFileSync(join(dir, 'notes.txt'), 'not a list')
    // The MISP repository's layout: lists/<name>/list.json
    mkdirSync(join(dir, 'rfc1918'))
    writeFileSync(join(dir, 'rfc1918', 'list.json'), list('rfc1918', 'cidr', ['10.0.0.0/8']))

    const r = await loadWarninglistFolder(dir)
    expect(r.lists.map((l) => `${l.file}:${l.name}`)).toEqual([
      'a-hosts.json:hosts',
      'rfc1918/list.json:rfc1918',
    ])
    expect(r.errors.map((e) => `${e.file} ${e.field}`)).toEqual([
      'b-broken.json (file)',
      'c-no-type.json type',
      'd-dup.json name',
    ])
    expect(r.errors[0]?.message).toMatch(/^is not valid JSON/)
    expect(r.errors[2]?.message).toContain('already the name of another list')
    expect(r.issues).toEqual([
      { file: 'a-hosts.json', field: 'list[1]', message: expect.stringContaining('"bad!"') },
    ])
  })

  it('refuses a folder that does not exist or is a file, with a coded error', async () => {
    const missing = await loadWarninglistFolder(join(dir, 'nope')).catch((e: unknown) => e)
    expect(isAppError(missing) && missing.code).toBe('not_found')
    writeFileSync(join(dir, 'f.json'), '{}')
    const file = await loadWarninglistFolder(join(dir, 'f.json')).catch((e: unknown) => e)
    expect(isAppError(file) && file.code).toBe('invalid_input')
  })

  it('finds the built-in folder by walking up from a build output folder', () => {
    const root = join(dir, 'app')
    mkdirSync(join(root, 'resources', 'warninglists'), { recursive: true })
    mkdirSync(join(root, 'out', 'main', 'chunks'), { recursive: true })
    expect(builtinWarninglistDir(join(root, 'out', 'main'))).toBe(
      join(root, 'resources', 'warninglists'),
    )
    expect(builtinWarninglistDir(join(root, 'out', 'main', 'chunks'))).toBe(
      join(root, 'resources', 'warninglists'),
    )
  })
})
