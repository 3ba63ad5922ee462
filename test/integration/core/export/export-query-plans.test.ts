import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INDICATOR_SELECT } from '#core/indicators/indicator-row'
import { REPORT_ENTITIES_SQL, TOUCHING_SQL } from '#core/export/sources/intel-rows'
import { REPORT_INDICATORS_CLAUSE } from '#core/export/sources/resolve-target'
import { openTestCore, queryPlan, type TestCore } from '../db/core-fixture'

// The export's own reads of the intel tables seek their indexes: a report or a neighbourhood is read in
// time proportional to what it holds, not to the size of the knowledge base.
let t: TestCore
beforeAll(async () => {
  t = await openTestCore()
})
afterAll(async () => {
  await t.dispose()
})

const ID = '00000000-0000-4000-8000-000000000001'

describe('export query plans', () => {
  it("walks a neighbourhood through both ends' indexes", () => {
    const plan = queryPlan(t.core, TOUCHING_SQL, ['[]', '[]']).join('\n')
    expect(plan).toContain('UQ_intel_relationships_edge (source_ref=?)')
    expect(plan).toContain('IDX_intel_relationships_target (target_ref=?)')
    expect(plan).not.toMatch(/SCAN r\b/)
  })

  it("reads a report's entities by the report's key", () => {
    const plan = queryPlan(t.core, REPORT_ENTITIES_SQL, [ID]).join('\n')
    expect(plan).toMatch(/SEARCH o USING (COVERING )?INDEX \S+ \(report_id=\?/)
    expect(plan).toMatch(
      /SEARCH intel_entities USING INDEX sqlite_autoindex_intel_entities_1 \(id=\?\)/,
    )
  })

  it("finds a report's indicators by the report's key, then by id", () => {
    const plan = queryPlan(
      t.core,
      `SELECT ${INDICATOR_SELECT} FROM indicators WHERE ${REPORT_INDICATORS_CLAUSE}`,
      [ID],
    ).join('\n')
    expect(plan).toMatch(/report_objects USING (COVERING )?INDEX \S+ \(report_id=\?/)
    expect(plan).toMatch(/SEARCH indicators USING INDEX \S+ \(id=\?\)/)
  })
})
