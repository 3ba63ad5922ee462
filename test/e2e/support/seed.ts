import type { Core } from '#core/create-core'
import type { IndicatorCreate } from '#shared/contract/indicators.contract'
import { SEVERITIES, TLP_LEVELS } from '#shared/domain/enums'

const BATCH = 10_000

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0').slice(-width)

/** A deterministic, varied indicator for position `i`: domains, IPv4s, URLs and SHA-256s in rotation. */
export const syntheticIndicator = (i: number): IndicatorCreate => {
  const severity = SEVERITIES[i % SEVERITIES.length] ?? 'medium'
  const tlp = TLP_LEVELS[i % TLP_LEVELS.length] ?? 'amber'
  const base = { severity, tlp, score: (i * 37) % 101, tags: [`batch-${Math.floor(i / BATCH)}`] }
  switch (i % 4) {
    case 0:
      return { ...base, type: 'domain', value: `host-${i}.seed-${i % 97}.example` }
    case 1:
      return { ...base, type: 'ip', value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }
    case 2:
      return { ...base, type: 'url', value: `http://cdn-${i % 1000}.seed.example/p/${i}` }
    default:
      return { ...base, type: 'sha256', value: `${hex(i, 8)}${'ab'.repeat(28)}` }
  }
}

/** Seeds `count` indicators through the same bulk path a paste or feed import uses, in bounded batches. */
export const seedIndicators = async (core: Core, count: number): Promise<void> => {
  for (let start = 0; start < count; start += BATCH) {
    const items: IndicatorCreate[] = []
    for (let i = start; i < Math.min(count, start + BATCH); i++) items.push(syntheticIndicator(i))
    const report = await core.call('indicators.bulkCreate', { items })
    if (report.rejected > 0) {
      throw new Error(
        `seed batch at ${start} rejected ${report.rejected}: ${JSON.stringify(report.rejects.slice(0, 3))}`,
      )
    }
  }
}
