import type { Core } from '#core/create-core'
import type { IndicatorCreate } from '#shared/contract/indicators.contract'
import { SEVERITIES } from '#shared/domain/enums'

/** The tag the seed's alert rule watches: every seeded indicator raises one alert. */
export const TRIAGE_SEED_TAG = 'triage-seed'
const BATCH = 10_000

/** A deterministic indicator for position `i` with a varied score and severity (so the queue's order is). */
const triageIndicator = (i: number, tag: string): IndicatorCreate => ({
  type: 'ip',
  value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  score: (i * 37) % 101,
  severity: SEVERITIES[i % SEVERITIES.length] ?? 'medium',
  tags: [tag],
})

/**
 * Seeds the triage queue through the core the way it fills in use: an alert rule on a tag, indicators
 * imported in bulk with that tag (the rule raises one alert per indicator), and incidents tracked by URL.
 */
export const seedTriage = async (
  core: Core,
  counts: { alerts: number; incidents: number; tag?: string },
): Promise<void> => {
  const tag = counts.tag ?? TRIAGE_SEED_TAG
  await core.call('alerts.createRule', {
    name: `Watch ${tag}`,
    condition: { kind: 'tag', tag },
    suppressWarninglisted: false,
  })
  for (let start = 0; start < counts.alerts; start += BATCH) {
    const items: IndicatorCreate[] = []
    for (let i = start; i < Math.min(counts.alerts, start + BATCH); i++)
      items.push(triageIndicator(i, tag))
    const report = await core.call('indicators.bulkCreate', { items })
    if (report.rejected > 0) throw new Error(`triage seed batch at ${start} rejected rows`)
  }
  for (let i = 0; i < counts.incidents; i++) {
    await core.call('incidents.create', {
      url: `http://phish-${i}.seed.example/login`,
      severity: (i * 53) % 101,
      summary: `Phishing page ${i}`,
      sources: ['seed'],
      tags: [tag],
    })
  }
  await core.waitForIdle()
}
