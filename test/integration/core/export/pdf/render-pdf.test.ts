import { describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract/errors'
import type { ExportSet } from '#core/export/export-set'
import { renderPdf } from '#core/export/pdf/render-pdf'
import {
  REPORT_MD,
  exportSet,
  indicator,
  openPdf,
  pageTexts,
  render,
  reportSet,
  sink,
  statsOf,
  threatReport,
} from './pdf-fixture'

/** All text of the document on one line per page, PDF.js's line breaks removed (wrapped cells rejoin). */
const flat = (pages: readonly string[]): string => pages.map((p) => p.replace(/\n/g, '')).join('\n')

describe('renderPdf', () => {
  it('marks every page with the TLP label in header and footer and numbers it "Page n of N"', async () => {
    const { pdf, result } = await render(reportSet())
    const pages = await pageTexts(pdf)
    expect(pages.length).toBe(result.pages)
    expect(result.pages).toBeGreaterThanOrEqual(5)
    expect(result.bytes).toBe(pdf.length)
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    pages.forEach((text, i) => {
      expect(text.match(/TLP:AMBER/g)?.length ?? 0, `page ${i + 1}`).toBeGreaterThanOrEqual(2)
      // The total is a form XObject shared by every footer: PDF.js reads it as its own run.
      expect(text).toMatch(new RegExp(`Page ${i + 1} of ?${result.pages}(?!\\d)`))
    })
    expect(pages[0]).toContain('APT28 spring campaign')
    expect(pages[0]).toContain('Infrastructure and lures seen in the spring campaign.')
    expect(pages[0]).toContain('Indicators: 7')
  })

  it('carries title, producer, creation date and the TLP in the document metadata', async () => {
    const { pdf } = await render(reportSet({ tlp: 'amber+strict' }))
    const doc = await openPdf(pdf)
    try {
      const info = (await doc.getMetadata()).info as Record<string, unknown>
      expect(info.Title).toBe('APT28 spring campaign')
      expect(info.Producer).toBe('ThreatEye')
      expect(String(info.Subject)).toContain('TLP:AMBER+STRICT')
      expect(String(info.Keywords)).toContain('TLP:AMBER+STRICT')
      expect(String(info.CreationDate)).toMatch(/^D:20261203/)
    } finally {
      await doc.destroy()
    }
  })

  it('writes defanged values, never the live ones, and non-Latin IDN values in their scripts', async () => {
    const { pdf } = await render(reportSet(), { defang: true })
    const text = flat(await pageTexts(pdf))
    expect(text).toContain('hxxps://evil[.]example[.]com/gate.php')
    expect(text).toContain('payroll[@]phish[.]example[.]org')
    expect(text).toContain('203.0.113[.]7')
    expect(text).not.toContain('https://evil.example.com')
    expect(text).not.toContain('payroll@phish')
    expect(text).toContain('пример[.]рф')
    expect(text).toContain('例子[.]测试')
    // Right-to-left labels are drawn in visual order; each label reads back whole.
    expect(text).toContain('مثال')
    expect(text).toContain('a'.repeat(64))
  })

  it('writes the live values when asked not to defang, and says so', async () => {
    const { pdf } = await render(reportSet(), { defang: false })
    const text = flat(await pageTexts(pdf))
    expect(text).toContain('https://evil.example.com/gate.php')
    expect(text).toContain('not defanged')
    expect(text).not.toContain('hxxps://')
  })

  it('renders the Markdown body as text: table cells, links with their URL, images as alt text, HTML inert', async () => {
    const { pdf } = await render(reportSet())
    const text = flat(await pageTexts(pdf))
    expect(text).toContain('Overview')
    expect(text).toContain('APT28 used new infrastructure and fresh lures')
    expect(text).toContain('the advisory (https://advisories.example/apt28)')
    expect(text).toMatch(/Feed\s*Indicators\s*Cadence/)
    expect(text).toMatch(/abuse\.ch URLhaus\s*1200\s*daily/)
    expect(text).toMatch(/AlienVault OTX\s*33\s*hourly/)
    expect(text).toContain(
      '[image: diagram of the kill chain] (https://img.example/kill-chain.png)',
    )
    expect(text).toContain("<script>fetch('https://exfil.example/')</script>")
    expect(text).toContain('Quoted from the vendor.')
  })

  it("shows a threat report's severity, authors and publication on the title page", async () => {
    const report = threatReport('APT28 spring campaign', REPORT_MD)
    const [first, second] = await pageTexts((await render(reportSet({ report }))).pdf, [1, 2])
    expect(first).toContain('Severity: high')
    expect(first).toContain('Authors: Ana Analyst, Rui Responder')
    expect(first).toContain('Published: 2026-12-01')
    expect(second).toContain('Report')
  })

  it('shows hostile Markdown (quadratic emphasis, deep nesting) as raw text in bounded time', async () => {
    const markdown = [
      '>'.repeat(20_000) + ' deep quote',
      '*a'.repeat(100_000),
      '- '.repeat(5_000) + 'deep list',
      '# Still here',
      'After the **hostile** blocks.',
      `| Huge | Small |\n|---|---|\n| ${'word '.repeat(20_000)}| tail-cell |`,
    ].join('\n\n')
    const started = Date.now()
    const { pdf } = await render(reportSet({ markdown }))
    expect(Date.now() - started).toBeLessThan(30_000)
    const pages = await pageTexts(pdf)
    const text = flat(pages)
    // The huge table cell is cut at a page's height (and says so) instead of running off the page.
    const tablePage = pages.find((p) => p.includes('tail-cell')) ?? ''
    expect(tablePage).toContain('…')
    expect(tablePage.split('word').length - 1).toBeGreaterThan(100)
    expect(tablePage.split('word').length - 1).toBeLessThan(2_000)
    expect(text).toContain('Still here')
    expect(text).toContain('After the hostile blocks.')
    expect(text).toContain('deep quote')
    expect(text).toContain('*a*a*a*a')
    expect(text).toContain('tail-cell')
  })

  it('lists each entity with its kind, aliases, TLP and the details of its kind', async () => {
    const { pdf } = await render(reportSet())
    const text = flat(await pageTexts(pdf))
    expect(text).toMatch(/Threat actor\s*APT28\s*TLP:AMBER/)
    expect(text).toContain('Aliases: Fancy Bear, Sofacy')
    expect(text).toContain('Tools: X-Agent, Zebrocy')
    expect(text).toContain('A Russian espionage actor.')
    expect(text).toMatch(/Vulnerability\s*CVE-2024-3400\s*TLP:CLEAR/)
    expect(text).toContain('CVSS: 10.0 (critical)')
    expect(text).toContain('Affected: PAN-OS 10.2/11.0')
  })

  it('draws the charts from the stats: types, severities, score buckets and a timeline', async () => {
    const { pdf } = await render(reportSet())
    const charts = (await pageTexts(pdf)).find((p) => p.includes('Charts')) ?? ''
    expect(charts).toMatch(/Indicators by type\s*7 in all/)
    expect(charts).toMatch(/domain\s*3/)
    expect(charts).toMatch(/critical\s*1/)
    expect(charts).toContain('90–100')
    expect(charts).toContain('2026-11-20')
  })

  it('writes TLP:RED and TLP:AMBER+STRICT as such on every page', async () => {
    for (const [tlp, label] of [
      ['red', 'TLP:RED'],
      ['amber+strict', 'TLP:AMBER+STRICT'],
      ['clear', 'TLP:CLEAR'],
    ] as const) {
      const pages = await pageTexts((await render(reportSet({ tlp }))).pdf)
      for (const p of pages) expect(p.split(label).length - 1).toBeGreaterThanOrEqual(2)
    }
  })

  it('strips control and bidi override characters and clips absurdly long strings', async () => {
    const rows = [
      indicator({ type: 'file-name', value: 'invoice\u202Efdp.exe' }),
      indicator({ type: 'file-name', value: 'null\u0000byte\u0007bell' }),
    ]
    const { pdf } = await render(exportSet(rows, { title: `${'Long title '.repeat(5_000)}end` }))
    const text = flat(await pageTexts(pdf))
    expect(text).toContain('invoicefdp.exe')
    expect(text).toContain('nullbytebell')
    for (const c of ['\u202E', '\u0000', '\u0007']) expect(text).not.toContain(c)
    expect(text).not.toContain('Long title end')
    expect(text).toContain('…')
  })

  it('caps the table at maxRows and says so, while the charts count every indicator', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) =>
      indicator({
        type: 'ip',
        value: `198.51.${Math.floor(i / 250)}.${i % 250}`,
        score: 99 - (i % 90),
      }),
    )
    let pagesRead = 0
    const base = exportSet(rows)
    const set: ExportSet = {
      ...base,
      indicatorCount: 1_000_000,
      stats: { ...statsOf(rows), byType: { ip: 1_000_000 } },
      indicators: async function* () {
        for await (const page of base.indicators()) {
          pagesRead++
          yield page
        }
      },
    }
    const { pdf } = await render(set, { defang: true, maxRows: 40 })
    const text = flat(await pageTexts(pdf))
    expect(text).toContain('The table shows the first 40 of 1,000,000 indicators by score')
    expect(text).toContain('Table stops at 40 of 1,000,000 indicators')
    expect(text).toMatch(/Indicators by type\s*1,000,000 in all/)
    expect(text).toContain('198.51.0[.]39')
    expect(text).not.toContain('198.51.0[.]40')
    expect(pagesRead).toBe(1)
  })

  it('stops with "cancelled" when the signal fires while the table is being written', async () => {
    const ctrl = new AbortController()
    const rows = Array.from({ length: 2_000 }, (_, i) =>
      indicator({ type: 'domain', value: `host${i}.example.net` }),
    )
    const base = exportSet(rows)
    const set: ExportSet = {
      ...base,
      indicators: async function* () {
        for await (const page of base.indicators()) {
          yield page
          ctrl.abort()
        }
      },
    }
    const { out } = sink()
    const err: unknown = await renderPdf(set, out, { defang: true, signal: ctrl.signal }).catch(
      (e: unknown) => e,
    )
    expect(isAppError(err) && err.code).toBe('cancelled')

    const before = new AbortController()
    before.abort()
    const early: unknown = await renderPdf(set, sink().out, {
      defang: true,
      signal: before.signal,
    }).catch((e: unknown) => e)
    expect(isAppError(early) && early.code).toBe('cancelled')
  })

  it('names the part that failed', async () => {
    const set: ExportSet = {
      ...reportSet(),
      // eslint-disable-next-line require-yield
      indicators: async function* () {
        await Promise.resolve()
        throw new Error('database is locked')
      },
    }
    const err: unknown = await renderPdf(set, sink().out, { defang: true }).catch((e: unknown) => e)
    expect(isAppError(err) && err.code).toBe('internal')
    expect((err as Error).message).toBe(
      'PDF export failed in the indicators table: database is locked',
    )
  })

  it('streams a 10,000-indicator table page by page onto a few hundred pages', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      indicator({
        type: 'url',
        value: `https://cdn${i}.example.com/update/${i.toString(36)}/payload.bin?id=${i}`,
        score: 100 - Math.floor(i / 100),
      }),
    )
    const { pdf, result } = await render(exportSet(rows))
    expect(result.pages).toBeGreaterThan(200)
    const doc = await openPdf(pdf)
    expect(doc.numPages).toBe(result.pages)
    await doc.destroy()
    const [first, last] = (await pageTexts(pdf, [1, -1])).map((p) => flat([p]))
    expect(first).toContain('Indicators: 10,000')
    expect(last).toContain('hxxps://cdn9999[.]example[.]com/update/7pr/payload.bin?id=9999')
    expect(last).toMatch(new RegExp(`Page ${result.pages} of ?${result.pages}`))
  })
})
