import { describe, expect, it } from 'vitest'
import { documentText } from '#core/extract/document-text'
import { extractFromFile } from '#core/extract/extract-document'
import { decodeEntities, htmlToText } from '#core/extract/html-text'
import {
  EML_EXPECTED,
  HTML_EXPECTED,
  PDF_EXPECTED,
  PDF_PAGES,
  SAMPLE_HTML,
  minimalPdf,
  sampleEml,
} from '../../../fixtures/extract/documents'

const found = async (bytes: Uint8Array, name: string) =>
  (await extractFromFile(bytes, name, {})).items.map((i) => [i.kind, i.value, i.line])

describe('HTML', () => {
  it('finds the indicators of text, entities and link attributes, never of script, style or comments', async () => {
    const r = await extractFromFile(Buffer.from(SAMPLE_HTML), 'page.html', {})
    expect(r.format).toBe('html')
    expect(r.items.map((i) => [i.kind, i.value, i.line])).toEqual(HTML_EXPECTED)
  })

  it('keeps every source line, so a line number points into the file', () => {
    const text = htmlToText(SAMPLE_HTML)
    expect(text.split('\n')).toHaveLength(SAMPLE_HTML.split('\n').length)
    expect(text).not.toContain('script-only')
    expect(text).not.toContain('style-only')
    expect(text).not.toContain('comment-only')
  })

  it('decodes numeric and named references, and leaves unknown ones as written', () => {
    expect(decodeEntities('a&#91;.&#93;b &lsqb;dot&rsqb; &#x40; &amp;&nbsp;&bogus; &#0;')).toBe(
      'a[.]b [dot] @ & &bogus; \uFFFD',
    )
  })

  it('ends an unclosed script at the end of the file, and reads a lone < as text', () => {
    expect(htmlToText('a < b and 10.0.0.1<script>evil.com')).toBe('a < b and 10.0.0.1 ')
  })

  it('is told by its start when the file has no .html name', async () => {
    expect((await documentText(Buffer.from(SAMPLE_HTML), 'saved-page')).format).toBe('html')
  })
})

describe('e-mail', () => {
  it('reads sender and relay headers and every text part, through nested multiparts and a forward', async () => {
    const r = await extractFromFile(sampleEml(), 'lure.eml', {})
    expect(r.format).toBe('eml')
    expect(r.items.map((i) => [i.kind, i.value])).toEqual(EML_EXPECTED)
  })

  it('decodes quoted-printable, base64, encoded-word headers and charsets', async () => {
    const { text } = await documentText(sampleEml(), 'lure.eml')
    expect(text).toContain('from: PayPal Security <security@paypa1-secure.com>')
    expect(text).toContain('Café hours')
    expect(text).toContain('Café & support')
    // The HTML part's script never reaches the text.
    expect(text).not.toContain('script-only')
    expect(text).toContain('attachment: statement.pdf.exe')
  })

  it('is told by its headers when the file has no .eml name', async () => {
    expect((await documentText(sampleEml(), 'message.txt')).format).toBe('eml')
  })

  it('stops following nested parts at a fixed depth', async () => {
    const open = (n: number) => `Content-Type: multipart/mixed; boundary=b${n}\r\n\r\n--b${n}\r\n`
    let mail = 'From: a@depth.com\r\nMessage-ID: <x@depth.com>\r\n'
    for (let n = 0; n < 50; n++) mail += open(n)
    mail += 'Content-Type: text/plain\r\n\r\ndeep.com\r\n'
    const r = await extractFromFile(Buffer.from(mail), 'deep.eml', {})
    expect(r.items.map((i) => i.value)).toEqual(['a@depth.com', 'depth.com'])
  })
})

describe('PDF', () => {
  it('reads the text of every page, a line per text line', async () => {
    const r = await extractFromFile(minimalPdf(PDF_PAGES), 'report.pdf', {})
    expect(r.format).toBe('pdf')
    expect(r.note).toBeUndefined()
    expect(r.items.map((i) => [i.kind, i.value, i.line])).toEqual(PDF_EXPECTED)
  })

  it('reads at most the page cap and says so', async () => {
    const r = await documentText(minimalPdf(PDF_PAGES), 'report.pdf', {
      maxPages: 2,
      maxChars: 1_000_000,
      timeoutMs: 30_000,
    })
    expect(r.text).toContain('invoice_q3.exe')
    expect(r.text).not.toContain('bc1q')
    expect(r.note).toBe('report.pdf: read 2 of 3 pages (the cap is 2 pages and 1000000 characters)')
  })

  it('stops the reader at its deadline, naming the file', async () => {
    await expect(
      documentText(minimalPdf(PDF_PAGES), 'slow.pdf', {
        maxPages: 500,
        maxChars: 1_000_000,
        timeoutMs: 1,
      }),
    ).rejects.toThrow(
      /^slow\.pdf: reading the PDF's text took longer than 0\.001 s; it was stopped$/,
    )
  })

  it('refuses a damaged PDF and a file that only has the name, naming them', async () => {
    await expect(documentText(Buffer.from('%PDF-1.7\n%garbage'), 'broken.pdf')).rejects.toThrow(
      /^broken\.pdf is not a readable PDF: /,
    )
    await expect(documentText(Buffer.from('hello'), 'fake.pdf')).rejects.toThrow(
      'fake.pdf is named .pdf but does not start like a PDF',
    )
  })
})

describe('other files', () => {
  it('reads plain text (UTF-8, or UTF-16 with its mark) and refuses binaries and .msg', async () => {
    expect(await found(Buffer.from('see 203.0.113.5\n'), 'notes.md')).toEqual([
      ['ip', '203.0.113.5', 1],
    ])
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('x 203.0.113.6', 'utf16le'),
    ])
    expect(await found(utf16, 'notes.txt')).toEqual([['ip', '203.0.113.6', 1]])
    await expect(documentText(Buffer.from([0x4d, 0x5a, 0, 0, 1]), 'a.bin')).rejects.toThrow(
      'a.bin is a binary file',
    )
    await expect(documentText(Buffer.from('x'), 'mail.msg')).rejects.toThrow(
      /save the message as \.eml/,
    )
  })
})
