import { describe, expect, it } from 'vitest'
import type { Classification, Severity } from '#shared/domain/enums'
import type { RunDefaults } from '#core/feeds/engine/engine-types'
import { prepareRecord } from '#core/feeds/engine/prepare'
import { emptyCounts } from '#core/ingest/ingest-counts'

const defaults: RunDefaults = { feedId: null, sourceKey: 'import:test', tags: [] }

describe('prepareRecord keeps what the source stated, and only that', () => {
  it('passes classification, severity and the event title through; leaves absent ones absent', () => {
    const r = prepareRecord(
      {
        line: 1,
        value: '198.51.100.7',
        classification: 'malicious',
        severity: 'high',
        eventTitle: `  ${'x'.repeat(2000)}  `,
      },
      defaults,
      emptyCounts(),
    )
    expect(r).toMatchObject({ classification: 'malicious', severity: 'high' })
    expect(r?.eventTitle).toHaveLength(1024)
    const bare = prepareRecord({ line: 2, value: '198.51.100.8' }, defaults, emptyCounts())
    expect(bare).not.toHaveProperty('classification')
    expect(bare).not.toHaveProperty('severity')
    expect(bare).not.toHaveProperty('tlp')
    expect(bare?.eventTitle).toBeNull()
  })

  it('drops a classification or severity that is not one of ours', () => {
    const r = prepareRecord(
      {
        line: 1,
        value: '198.51.100.7',
        // As a mapping written elsewhere could hand over (a CSV column's raw text).
        classification: 'evil' as Classification,
        severity: 'extreme' as Severity,
      },
      defaults,
      emptyCounts(),
    )
    expect(r).not.toHaveProperty('classification')
    expect(r).not.toHaveProperty('severity')
  })

  it('takes TLP from the record, else from a TLP tag (the strictest), else the feed default', () => {
    const withDefault: RunDefaults = { ...defaults, tlp: 'clear' }
    const tlp = (rec: { tlp?: 'green'; tags?: string[] }) =>
      prepareRecord({ line: 1, value: '198.51.100.7', ...rec }, withDefault, emptyCounts())?.tlp
    expect(tlp({ tlp: 'green', tags: ['tlp:red'] })).toBe('green')
    expect(tlp({ tags: ['botnet', 'TLP:AMBER', 'tlp:red', 'trojan'] })).toBe('red')
    expect(tlp({ tags: ['trojan', 'tlpx'] })).toBe('clear')
    expect(tlp({})).toBe('clear')
  })
})
