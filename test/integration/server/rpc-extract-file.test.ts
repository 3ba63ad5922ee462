import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RpcResult } from '#shared/contract'
import { MAX_EXTRACT_FILE_BYTES } from '#shared/contract/indicators.contract'
import {
  EML_EXPECTED,
  PDF_EXPECTED,
  PDF_PAGES,
  minimalPdf,
  sampleEml,
} from '../../fixtures/extract/documents'
import { startTestServer, type TestServer } from './http-support'

// indicators.extract with a file, over a real socket: the bytes travel base64 in the JSON body, the core
// reads the file by its kind, and bad files come back as errors that name them.

let t: TestServer
let base: string

beforeAll(async () => {
  t = await startTestServer()
  base = await t.server.listen()
})
afterAll(async () => {
  await t.close()
})

type Extracted = {
  items: { kind: string; value: string; line: number }[]
  format: string
  truncated: boolean
}

const extract = async (
  body: unknown,
): Promise<{ status: number; result: RpcResult<Extracted> }> => {
  const res = await fetch(`${base}/api/rpc/indicators.extract`, {
    method: 'POST',
    headers: { ...t.auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, result: (await res.json()) as RpcResult<Extracted> }
}

const file = (name: string, bytes: Buffer) => ({ file: { name, data: bytes.toString('base64') } })

describe('indicators.extract over HTTP with a file', () => {
  it('reads a PDF, with the lines of its text', async () => {
    const { status, result } = await extract(file('report.pdf', minimalPdf(PDF_PAGES)))
    expect(status).toBe(200)
    if (!result.ok) throw new Error(result.error.message)
    expect(result.value.format).toBe('pdf')
    expect(result.value.items.map((i) => [i.kind, i.value, i.line])).toEqual(PDF_EXPECTED)
  })

  it('reads an e-mail, keeping only the kinds asked for', async () => {
    const { result } = await extract({ ...file('lure.eml', sampleEml()), kinds: ['ip', 'ipv6'] })
    if (!result.ok) throw new Error(result.error.message)
    expect(result.value.format).toBe('eml')
    expect(result.value.items.map((i) => [i.kind, i.value])).toEqual(
      EML_EXPECTED.filter(([k]) => k === 'ip' || k === 'ipv6'),
    )
  })

  it('refuses a damaged PDF, both text and file, neither, and an oversized file, saying which', async () => {
    const broken = await extract(file('broken.pdf', Buffer.from('%PDF-1.7\n%garbage')))
    expect(broken.status).toBe(400)
    expect(broken.result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(/^broken\.pdf is not a readable PDF/),
      },
    })
    const both = await extract({ text: 'x', ...file('a.txt', Buffer.from('y')) })
    expect(both.status).toBe(400)
    expect(JSON.stringify(both.result)).toContain('Give exactly one of text or file')
    const neither = await extract({})
    expect(JSON.stringify(neither.result)).toContain('Give exactly one of text or file')
    const big = await extract(file('big.txt', Buffer.alloc(MAX_EXTRACT_FILE_BYTES + 3, 0x61)))
    expect(big.status).toBe(400)
    expect(JSON.stringify(big.result)).toContain('the file is larger than 16 MB')
  })
})
