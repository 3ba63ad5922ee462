import { describe, expect, it } from 'vitest'
import { dedupKeyOf, mergeLists } from '#core/incidents/incident-row'
import { buildSnapshot } from '#core/incidents/incidents-snapshot'
import type { IncidentRow } from '#core/incidents/incidents.repository'
import { statusOnRecurrence } from '#core/incidents/incidents.service'

const row = (over: Partial<IncidentRow>): IncidentRow => ({
  id: '00000000-0000-4000-8000-000000000001',
  url: 'http://a.example/',
  indicator_id: null,
  dedup_key: 'url:http://a.example/',
  sources: '["model"]',
  severity: 70,
  summary: '',
  details: '{}',
  tags: '["x"]',
  status: 'open',
  first_seen: '2026-01-01T00:00:00.000Z',
  last_seen: '2026-01-02T00:00:00.000Z',
  occurrences: 3,
  assignee: null,
  project_id: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-02T00:00:00.000Z',
  ...over,
})

describe('incident rules', () => {
  it('a recurrence reopens a resolved incident and never lowers an escalated one', () => {
    expect(statusOnRecurrence('resolved', 'open')).toBe('open')
    expect(statusOnRecurrence('open', 'open')).toBe('open')
    expect(statusOnRecurrence('escalated', 'open')).toBe('escalated')
    expect(statusOnRecurrence('open', 'escalated')).toBe('escalated')
  })

  it('merging lists keeps everything once, in first-seen order', () => {
    expect(mergeLists(['a', 'b'], ['b', 'c', 'a'])).toEqual(['a', 'b', 'c'])
  })

  it('the dedup key is the URL, its hash past the column, or the indicator', () => {
    expect(dedupKeyOf('http://a.example/', 'ignored')).toBe('url:http://a.example/')
    expect(dedupKeyOf(`http://a.example/${'x'.repeat(300)}`, null)).toMatch(/^url-sha256:/)
    expect(dedupKeyOf(null, '00000000-0000-4000-8000-000000000002')).toBe(
      'indicator:00000000-0000-4000-8000-000000000002',
    )
    expect(() => dedupKeyOf(null, null)).toThrow(/^url: required/)
  })

  it('the snapshot holds the seed fields once per URL and leaves out incidents without one', () => {
    const doc = JSON.parse(
      buildSnapshot(
        [
          row({}),
          row({ id: '00000000-0000-4000-8000-000000000002', url: null, dedup_key: 'indicator:x' }),
          row({ id: '00000000-0000-4000-8000-000000000003' }),
        ],
        '2026-01-03T00:00:00.000Z',
      ),
    ) as { version: number; generated_at: string; data: { tracked_threats: unknown[] } }
    expect(doc.version).toBe(1)
    expect(doc.generated_at).toBe('2026-01-03T00:00:00.000Z')
    expect(doc.data.tracked_threats).toEqual([
      {
        url: 'http://a.example/',
        severity: 70,
        sources: ['model'],
        status: 'open',
        first_seen: '2026-01-01T00:00:00.000Z',
        last_seen: '2026-01-02T00:00:00.000Z',
        occurrences: 3,
        tags: ['x'],
      },
    ])
  })
})
