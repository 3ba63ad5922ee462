import { Writable } from 'node:stream'
import type { Indicator } from '#shared/contract/indicators.contract'
import { SEVERITIES } from '#shared/domain/enums'
import type { ExportSet, ExportStats } from '#core/export/export-set'
import { renderPdf } from '#core/export/pdf/render-pdf'
import { createIndicatorGenerator } from '../support/indicator-generator'
import { startRssSampler } from '../support/rss-sampler'

/**
 * The PDF part of `npm run bench:export`: a threat report of `n` generated indicators (the generator's type mix,
 * IDN domains included) rendered to a discarding stream. Building the rows is not timed; rendering is, and the
 * RSS peak is sampled throughout.
 */
const buildSet = (n: number): ExportSet => {
  const gen = createIndicatorGenerator(11)
  const rows: Indicator[] = []
  const byType: Record<string, number> = {}
  const bySeverity: Record<string, number> = {}
  const scoreBuckets = Array.from({ length: 10 }, () => 0)
  const days = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const g = gen.next()
    const severity = SEVERITIES[4 - Math.min(Math.floor(g.score / 20), 4)] ?? 'info'
    rows.push({
      id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      type: g.type,
      value: g.value,
      classification: 'malicious',
      confidence: g.confidence,
      severity,
      score: g.score,
      riskLevel: 'medium',
      tlp: 'amber',
      firstSeen: g.firstSeen,
      lastSeen: g.firstSeen,
      description: g.description ?? '',
      tags: g.tags,
      mitreTactics: [],
      mitreTechniques: [],
      active: true,
      falsePositive: false,
      enrichment: null,
      projectId: null,
      sourceCount: 1,
      sightingCount: 1,
      expired: false,
      createdAt: g.firstSeen,
      updatedAt: g.firstSeen,
    })
    byType[g.type] = (byType[g.type] ?? 0) + 1
    bySeverity[severity] = (bySeverity[severity] ?? 0) + 1
    const b = Math.min(Math.floor(g.score / 10), 9)
    scoreBuckets[b] = (scoreBuckets[b] ?? 0) + 1
    const day = g.firstSeen.slice(0, 10)
    days.set(day, (days.get(day) ?? 0) + 1)
  }
  rows.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
  const stats: ExportStats = {
    byType,
    bySeverity,
    scoreBuckets,
    timeline: [...days]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([day, count]) => ({ day, count })),
  }
  return {
    title: `Benchmark report: ${n.toLocaleString('en-US')} indicators`,
    summary: 'Generated indicators with the feeds’ type mix, rendered by the PDF writer.',
    markdown:
      '## Findings\n\n| Feed | Indicators |\n|---|---:|\n| generated | ' + String(n) + ' |\n',
    tlp: 'amber',
    tlpCounts: { amber: n },
    generatedAt: new Date().toISOString(),
    report: null,
    entities: [],
    relationships: [],
    indicatorCount: n,
    stats,
    indicators: async function* () {
      for (let i = 0; i < rows.length; i += 1000) {
        await Promise.resolve()
        yield rows.slice(i, i + 1000)
      }
    },
  }
}

export const benchPdfSection = async (
  n = 10_000,
): Promise<{ ms: number; rssMb: number; pages: number; bytes: number }> => {
  const set = buildSet(n)
  const discard = new Writable({
    write(_chunk, _enc, cb) {
      cb()
    },
  })
  const rss = startRssSampler(20)
  const t0 = performance.now()
  const { pages, bytes } = await renderPdf(set, discard, { defang: true })
  const ms = Math.round(performance.now() - t0)
  const { peakMb } = rss.stop()
  return { ms, rssMb: peakMb, pages, bytes }
}
