import { describe, expect, it } from 'vitest'
import {
  attachOutcome,
  cleanIndicatorFilter,
  describeIndicatorFilter,
} from '../../../../../src/renderer/src/views/reports/attach-model'

describe('attaching from the Indicators view', () => {
  it('drops empty parts of the filter', () => {
    expect(cleanIndicatorFilter({ q: '', types: [], tag: 'apt', scoreMin: 0 })).toEqual({
      tag: 'apt',
      scoreMin: 0,
    })
  })

  it('says what the filter takes, in words', () => {
    expect(
      describeIndicatorFilter({
        types: ['ip', 'domain'],
        scoreMin: 60,
        falsePositive: false,
        projectId: null,
        q: 'lantern',
      }),
    ).toBe('type ip or domain, score ≥ 60, not false positive, no project, text "lantern"')
    expect(describeIndicatorFilter({ active: true, tag: '' })).toBe('active')
    expect(describeIndicatorFilter({})).toBe('every indicator (no filter set)')
  })

  it('tells how many were added and how many were already there', () => {
    expect(attachOutcome({ added: 1, alreadyThere: 0 }, 'Lantern')).toBe(
      '1 item added to "Lantern"',
    )
    expect(attachOutcome({ added: 1200, alreadyThere: 3 }, 'Lantern')).toBe(
      '1,200 items added to "Lantern" (3 were already there)',
    )
    expect(attachOutcome({ added: 0, alreadyThere: 1 }, 'L')).toBe(
      '0 items added to "L" (1 was already there)',
    )
  })
})
