import { describe, expect, it } from 'vitest'
import { DEFAULT_SUMMARY_SCHEDULE } from '#shared/contract/summaries.schemas'
import { lastDue, nextDue, periodOf, titleOf } from '#core/summaries/summary-periods'
import { mdText } from '#core/summaries/summary-document'
import { csvCell } from '#core/summaries/summary-output'

const at = (iso: string) => new Date(iso)
const schedule = {
  ...DEFAULT_SUMMARY_SCHEDULE,
  daily: { enabled: true, time: '06:00' },
  weekly: { enabled: true, weekday: 1, time: '23:30' },
}

describe('summary periods (UTC)', () => {
  it('daily and weekly default to the last whole periods; `from` picks its day', () => {
    const now = at('2026-12-03T20:24:00Z')
    expect(periodOf({ type: 'daily' }, now)).toEqual({
      type: 'daily',
      start: '2026-12-02T00:00:00.000Z',
      end: '2026-12-03T00:00:00.000Z',
    })
    expect(periodOf({ type: 'weekly' }, now)).toMatchObject({
      start: '2026-11-26T00:00:00.000Z',
      end: '2026-12-03T00:00:00.000Z',
    })
    expect(periodOf({ type: 'daily', from: '2026-11-01T23:59:59+00:00' }, now)).toMatchObject({
      start: '2026-11-01T00:00:00.000Z',
    })
    expect(
      periodOf({ type: 'custom', from: '2026-12-01', to: '2026-12-01T12:00:00Z' }, now),
    ).toEqual({
      type: 'custom',
      start: '2026-12-01T00:00:00.000Z',
      end: '2026-12-01T12:00:00.000Z',
    })
  })

  it('titles name the days included', () => {
    expect(titleOf(periodOf({ type: 'weekly' }, at('2026-12-03T10:00:00Z')))).toBe(
      'Weekly summary 2026-11-26 – 2026-12-02',
    )
    expect(titleOf(periodOf({ type: 'daily' }, at('2026-12-03T10:00:00Z')))).toBe(
      'Daily summary 2026-12-02',
    )
    expect(
      titleOf({
        type: 'custom',
        start: '2026-12-01T00:00:00.000Z',
        end: '2026-12-02T00:00:00.000Z',
      }),
    ).toBe('Summary 2026-12-01')
  })

  it('the last due time is today at the time once it has passed, else yesterday; weekly on its weekday', () => {
    expect(lastDue('daily', schedule, at('2026-12-03T05:59:00Z')).at.toISOString()).toBe(
      '2026-12-02T06:00:00.000Z',
    )
    const due = lastDue('daily', schedule, at('2026-12-03T06:00:00Z'))
    expect(due.at.toISOString()).toBe('2026-12-03T06:00:00.000Z')
    expect(due.period).toMatchObject({ start: '2026-12-02T00:00:00.000Z' })
    // Monday 2026-11-30 23:30 is the last weekly time before Thursday, and Monday 12-07 the next.
    const weekly = lastDue('weekly', schedule, at('2026-12-03T10:00:00Z'))
    expect(weekly.at.toISOString()).toBe('2026-11-30T23:30:00.000Z')
    expect(weekly.period).toMatchObject({
      start: '2026-11-23T00:00:00.000Z',
      end: '2026-11-30T00:00:00.000Z',
    })
    expect(nextDue('weekly', schedule, at('2026-12-03T10:00:00Z')).toISOString()).toBe(
      '2026-12-07T23:30:00.000Z',
    )
    // On the weekday itself, before its time: last week's.
    expect(lastDue('weekly', schedule, at('2026-12-07T23:00:00Z')).at.toISOString()).toBe(
      '2026-11-30T23:30:00.000Z',
    )
  })
})

describe('hostile values in the files', () => {
  it('stay literal text in a Markdown cell', () => {
    expect(mdText('a|b <script>[x](http://e)\n`c`')).toBe(
      'a\\|b \\<script\\>\\[x\\]\\(http://e\\) \\`c\\`',
    )
    expect(mdText('x'.repeat(500)).length).toBeLessThanOrEqual(120)
  })

  it('never start a formula in a CSV cell', () => {
    expect(csvCell('=1+2')).toBe("'=1+2")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('-2,3')).toBe(`"'-2,3"`)
    expect(csvCell('plain "q"')).toBe('"plain ""q"""')
    expect(csvCell('a"b,c')).toBe('"a""b,c"')
    expect(csvCell(42)).toBe('42')
  })
})
