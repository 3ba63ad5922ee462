import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  builtinHostingFile,
  loadHostingList,
  readHostingFile,
  userHostingFile,
} from '#core/enrichment/local/hosting-asns'
import { AppError } from '#shared/contract'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'te-hosting-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('the curated hosting ASN list', () => {
  const entries = readHostingFile(builtinHostingFile())

  it('holds the big clouds and hosters, each ASN once, each with a public source', () => {
    const asns = entries.map((e) => e.asn)
    expect(new Set(asns).size).toBe(asns.length)
    for (const asn of [
      16509, 14618, 396982, 8075, 14061, 16276, 24940, 63949, 20473, 51167, 60781, 16265, 12876,
      45102, 132203, 31898,
    ]) {
      expect(entries.find((e) => e.asn === asn)?.kind, `AS${asn}`).toBe('hosting')
    }
    for (const e of entries) expect(e.source, `AS${e.asn}`).toMatch(/\S{10,}/)
  })

  it('cites research or sanctions, not a network registry, for every bulletproof entry', () => {
    const bulletproof = entries.filter((e) => e.kind === 'bulletproof')
    expect(bulletproof.length).toBeGreaterThan(0)
    for (const e of bulletproof) expect(e.source, `AS${e.asn}`).not.toContain('peeringdb')
  })

  it('says in its header that it is curated and how to extend it', () => {
    const doc: unknown = JSON.parse(readFileSync(builtinHostingFile(), 'utf8'))
    expect(doc).toMatchObject({
      about: expect.arrayContaining([
        expect.stringContaining('Curated by hand'),
        expect.stringContaining('<dataDir>/enrichment/hosting-asns.json'),
      ]),
    })
  })
})

describe("the analyst's own hosting list", () => {
  it('adds entries and replaces built-in ones of the same ASN', () => {
    const dataDir = tempDir()
    const file = userHostingFile(dataDir)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(
      file,
      JSON.stringify({
        entries: [
          { asn: 64500, name: 'Example BPH', kind: 'bulletproof', source: 'internal case 42' },
          { asn: 16509, name: 'AWS', kind: 'bulletproof', source: 'internal policy memo' },
        ],
      }),
    )
    const list = loadHostingList(dataDir, (e) => {
      throw e
    })
    expect(list.get(64500)).toMatchObject({ kind: 'bulletproof', note: '' })
    expect(list.get(16509)).toMatchObject({ kind: 'bulletproof', source: 'internal policy memo' })
    expect(list.get(24940)?.kind).toBe('hosting')
    expect(list.files).toEqual([builtinHostingFile(), file])
  })

  it('ignores a broken file, reporting the entry and field, and keeps the built-in list', () => {
    const dataDir = tempDir()
    const file = userHostingFile(dataDir)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(
      file,
      JSON.stringify({ entries: [{ asn: 1, name: 'X', kind: 'evil', source: 's' }] }),
    )
    const errors: unknown[] = []
    const list = loadHostingList(dataDir, (e) => errors.push(e))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(AppError)
    expect(String((errors[0] as AppError).message)).toMatch(
      /hosting-asns\.json: entries\.0\.kind: /,
    )
    expect(list.get(1)).toBeUndefined()
    expect(list.get(16509)?.kind).toBe('hosting')
    expect(list.files).toEqual([builtinHostingFile()])
  })
})
