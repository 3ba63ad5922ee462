import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DUE_SQL, JOB_OPEN_SQL } from '#core/enrichment/enrichment.repository'
import { openTestCore, queryPlan, type TestCore } from '../../db/core-fixture'

let t: TestCore
beforeAll(async () => {
  t = await openTestCore()
})
afterAll(async () => {
  await t.dispose()
})

describe('enrichment query plans', () => {
  it("the worker's pick walks the queue index, not the results", () => {
    const plan = queryPlan(t.core, DUE_SQL, ['virustotal', '2026-01-01T00:00:00.000Z', 20]).join(
      ' ',
    )
    expect(plan).toMatch(/IDX_enrichment_results_queue/)
    expect(plan).not.toMatch(/SCAN r\b/)
  })

  it("a job's open rows are found through its index", () => {
    const plan = queryPlan(t.core, JOB_OPEN_SQL, [
      '00000000-0000-4000-8000-000000000001',
      '2026-01-01T00:00:00.000Z',
    ]).join(' ')
    expect(plan).toMatch(/IDX_enrichment_results_job/)
  })
})
