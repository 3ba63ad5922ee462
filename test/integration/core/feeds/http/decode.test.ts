import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeStream, type DecodeOptions } from '#core/feeds/decode/decode'
import { zipArchive } from '../../../../support/fixture-server'
import { expectFetchError, readText } from './helpers'

const MiB = 1024 * 1024
const TEXT = '\uFEFFid,url\r\n1,"http://a.test/x,y"\r\n\r\n2,http://b.test/\n'.repeat(50)

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'te-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const file = (name: string, data: Uint8Array | string): string => {
  const path = join(dir, name)
  writeFileSync(path, data)
  return path
}

const decodeFile = (path: string, opts: Partial<DecodeOptions> = {}): Promise<string> =>
  readText(
    decodeStream(createReadStream(path), { maxDecompressedBytes: 64 * MiB, label: path, ...opts }),
  )

describe('decodeStream on local files', () => {
  it('passes a plain file through unchanged', async () => {
    expect(await decodeFile(file('plain.csv', TEXT))).toBe(TEXT)
  })

  it('detects gzip by magic bytes, including concatenated members', async () => {
    const gz = Buffer.concat([gzipSync(TEXT), gzipSync('tail\n')])
    expect(await decodeFile(file('feed.csv.gz', gz))).toBe(`${TEXT}tail\n`)
  })

  it('detects zip by magic bytes and extracts the chosen entry', async () => {
    const zip = await zipArchive([
      { name: 'notes.txt', data: 'no' },
      { name: 'export/full.csv', data: TEXT },
    ])
    expect(await decodeFile(file('full.zip', zip), { zipEntry: (n) => n.endsWith('.csv') })).toBe(
      TEXT,
    )
  })

  it('decodes explicit deflate (zlib-wrapped and raw) and brotli', async () => {
    expect(await decodeFile(file('z.bin', deflateSync(TEXT)), { encoding: 'deflate' })).toBe(TEXT)
    expect(await decodeFile(file('raw.bin', deflateRawSync(TEXT)), { encoding: 'deflate' })).toBe(
      TEXT,
    )
    expect(await decodeFile(file('b.bin', brotliCompressSync(TEXT)), { encoding: 'br' })).toBe(TEXT)
  })

  it('handles an empty file', async () => {
    expect(await decodeFile(file('empty.txt', ''))).toBe('')
  })

  it('reports a truncated gzip file', async () => {
    const gz = gzipSync(TEXT.repeat(20))
    const err = await expectFetchError(
      decodeFile(file('cut.gz', gz.subarray(0, gz.length - 100))),
      'truncated',
    )
    expect(err.message).toContain('gzip data ends early')
  })

  it('reports corrupt gzip data', async () => {
    const gz = gzipSync(TEXT)
    gz.fill(0xff, 20, 40)
    const err = await expectFetchError(decodeFile(file('corrupt.gz', gz)), 'content-type')
    expect(err.message).toContain('gzip data is corrupt')
  })

  it('reports a zip without a matching entry, listing what it saw', async () => {
    const zip = await zipArchive([{ name: 'readme.md', data: 'hi' }])
    const err = await expectFetchError(
      decodeFile(file('none.zip', zip), { zipEntry: (n) => n.endsWith('.csv') }),
      'content-type',
    )
    expect(err.message).toContain('no matching data entry; entries seen: "readme.md"')
  })

  it('reports a zip cut in the middle of its entry', async () => {
    const big = 'x'.repeat(MiB) + TEXT
    const zip = await zipArchive([{ name: 'a.csv', data: big, method: 'store' }])
    const err = await expectFetchError(
      decodeFile(file('cut.zip', zip.subarray(0, 200_000))),
      'truncated',
    )
    expect(err.message).toContain('"a.csv" ends early')
  })

  it('caps an uncompressed file as too-large', async () => {
    const err = await expectFetchError(
      decodeFile(file('big.txt', 'y'.repeat(4096)), { maxDecompressedBytes: 1000 }),
      'too-large',
    )
    expect(err.message).toContain('1000 B limit')
  })

  it('lets errors of the source through unchanged', async () => {
    let caught: unknown
    try {
      await decodeFile(join(dir, 'missing.gz'))
    } catch (e) {
      caught = e
    }
    expect(caught).toMatchObject({ code: 'ENOENT' })
  })
})
