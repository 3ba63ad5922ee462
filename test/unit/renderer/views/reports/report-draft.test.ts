import { describe, expect, it } from 'vitest'
import type { ThreatReport } from '../../../../../src/shared/contract/intel.schemas'
import {
  EMPTY_LIST_FILTER,
  changesOf,
  draftErrors,
  draftOf,
  isDirty,
  parseAuthors,
  parseKeptDraft,
  reportMatches,
} from '../../../../../src/renderer/src/views/reports/report-draft'

const report = (over: Partial<ThreatReport['details']> = {}): ThreatReport => ({
  id: '0b6d3f5e-8d7a-4f0e-9a51-3c1f5d2e7a10',
  kind: 'report',
  name: 'Operation Lantern',
  aliases: [],
  description: '',
  projectId: null,
  tlp: 'amber',
  severity: 'high',
  confidence: null,
  firstSeen: null,
  lastSeen: null,
  techniques: [],
  sources: ['analyst'],
  stixId: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
  details: {
    summary: 'Phishing wave',
    content: '# Lantern',
    published: false,
    publishedAt: null,
    authors: ['Ana', 'Bo'],
    ...over,
  },
})

describe('the report draft', () => {
  it('starts from the saved report and is clean', () => {
    const r = report()
    const d = draftOf(r)
    expect(d).toMatchObject({ title: 'Operation Lantern', authorsText: 'Ana, Bo', tlp: 'amber' })
    expect(isDirty(d, r)).toBe(false)
  })

  it('reports only the fields that changed, the title trimmed and authors parsed', () => {
    const r = report()
    const d = {
      ...draftOf(r),
      title: ' Operation Lantern II ',
      authorsText: 'Ana,\nBo, Cy',
      tlp: 'red' as const,
    }
    expect(changesOf(d, r)).toEqual({
      name: 'Operation Lantern II',
      tlp: 'red',
      authors: ['Ana', 'Bo', 'Cy'],
    })
  })

  it('is not dirty for edits that parse to the saved values', () => {
    const r = report()
    expect(isDirty({ ...draftOf(r), authorsText: ' Ana ,Bo,, ana' }, r)).toBe(false)
    expect(isDirty({ ...draftOf(r), title: 'Operation Lantern  ' }, r)).toBe(false)
  })

  it('parses authors at commas and newlines, dropping blanks and repeats', () => {
    expect(parseAuthors('Ana, bo\n\nBO ,  Cy ')).toEqual(['Ana', 'bo', 'Cy'])
    expect(parseAuthors('')).toEqual([])
  })

  it('names the field at fault', () => {
    const d = draftOf(report())
    expect(draftErrors({ ...d, title: '   ' })).toEqual({ title: 'A report needs a title' })
    expect(draftErrors({ ...d, title: 'x'.repeat(301) }).title).toMatch(/300/)
    expect(draftErrors({ ...d, authorsText: 'y'.repeat(301) }).authors).toMatch(/longer than 300/)
    expect(draftErrors({ ...d, summary: 's'.repeat(20_001) }).summary).toMatch(/20000/)
    expect(draftErrors(d)).toEqual({})
  })
})

describe('the reports list filter', () => {
  const draft = report()
  const published = report({ published: true, publishedAt: '2026-12-02T11:00:00.000Z' })

  it('filters by status, TLP and severity', () => {
    expect(reportMatches(draft, { ...EMPTY_LIST_FILTER, status: 'published' })).toBe(false)
    expect(reportMatches(published, { ...EMPTY_LIST_FILTER, status: 'published' })).toBe(true)
    expect(reportMatches(draft, { ...EMPTY_LIST_FILTER, status: 'draft' })).toBe(true)
    expect(reportMatches(draft, { ...EMPTY_LIST_FILTER, tlp: 'red' })).toBe(false)
    expect(reportMatches(draft, { ...EMPTY_LIST_FILTER, severity: 'high' })).toBe(true)
    expect(reportMatches(draft, { ...EMPTY_LIST_FILTER, severity: 'low' })).toBe(false)
  })

  it('searches the title, the summary and the authors, ignoring case', () => {
    expect(reportMatches(draft, { ...EMPTY_LIST_FILTER, q: 'lantern' })).toBe(true)
    expect(reportMatches(draft, { ...EMPTY_LIST_FILTER, q: 'PHISHING' })).toBe(true)
    expect(reportMatches(draft, { ...EMPTY_LIST_FILTER, q: 'bo' })).toBe(true)
    expect(reportMatches(draft, { ...EMPTY_LIST_FILTER, q: 'ransom' })).toBe(false)
  })
})

describe('a draft kept across a reload', () => {
  it('reads back what the editor wrote', () => {
    const d = { ...draftOf(report()), severity: null, content: '## kept' }
    expect(parseKeptDraft(JSON.stringify(d))).toEqual(d)
  })

  it('ignores anything else whole', () => {
    const d = draftOf(report())
    expect(parseKeptDraft(null)).toBeNull()
    expect(parseKeptDraft('{not json')).toBeNull()
    expect(parseKeptDraft('[]')).toBeNull()
    expect(parseKeptDraft(JSON.stringify({ ...d, tlp: 'white' }))).toBeNull()
    expect(parseKeptDraft(JSON.stringify({ ...d, severity: 'info' }))).toBeNull()
    expect(parseKeptDraft(JSON.stringify({ ...d, content: 42 }))).toBeNull()
  })
})
