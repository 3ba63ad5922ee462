import { describe, expect, it } from 'vitest'
import { describeAlertCondition } from '#shared/alert-text'
import { AlertConditionSchema } from '#shared/contract/alerts.contract'

describe('the enrichment_verdict alert condition', () => {
  it('reads in words', () => {
    expect(
      describeAlertCondition({
        kind: 'enrichment_verdict',
        minLevel: 'malicious',
        minProviders: 1,
      }),
    ).toBe('an enrichment provider calls it malicious')
    expect(
      describeAlertCondition({
        kind: 'enrichment_verdict',
        minLevel: 'suspicious',
        minProviders: 2,
      }),
    ).toBe('2 enrichment providers or more call it suspicious or malicious')
  })

  it('defaults to one provider and refuses levels that are no verdict', () => {
    expect(
      AlertConditionSchema.parse({ kind: 'enrichment_verdict', minLevel: 'malicious' }),
    ).toEqual({ kind: 'enrichment_verdict', minLevel: 'malicious', minProviders: 1 })
    const bad = AlertConditionSchema.safeParse({ kind: 'enrichment_verdict', minLevel: 'info' })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.path).toEqual(['minLevel'])
    expect(
      AlertConditionSchema.safeParse({
        kind: 'enrichment_verdict',
        minLevel: 'malicious',
        minProviders: 5,
      }).success,
    ).toBe(false)
  })
})
