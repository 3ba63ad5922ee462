import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CVE_INDICATORS_SQL,
  REPORTS_CONTAINING_SQL,
  REPORT_CONTENTS_SQL,
} from '#core/intel/intel-graph'
import { LINKED_INDICATORS_SQL } from '#core/intel/intel-links'
import { REPORT_OBJECTS_KIND_PAGE_SQL, REPORT_OBJECTS_PAGE_SQL } from '#core/intel/intel-reports'
import {
  RELATIONSHIPS_FROM_SQL,
  RELATIONSHIPS_TO_SQL,
  RELATIONSHIP_BY_EDGE_SQL,
} from '#core/intel/intel-relationships'
import { INTEL_PROJECT_COUNTS_SQL } from '#core/intel/intel-stats'
import { ALIAS_CONFLICT_SQL, INTEL_BY_ID_SQL } from '#core/intel/intel.repository'
import { openTestCore, queryPlan, type TestCore } from '../db/core-fixture'

// The intel domain's hot statements, imported from the code that runs them, each held to its index.
let t: TestCore
beforeAll(async () => {
  t = await openTestCore()
})
afterAll(() => t.dispose())

const plan = (sql: string, params: unknown[]) => queryPlan(t.core, sql, params).join('\n')

describe('intel query plans', () => {
  it.each([
    ['entity by id', INTEL_BY_ID_SQL, ['x'], 'sqlite_autoindex_intel_entities_1'],
    ['alias conflict', ALIAS_CONFLICT_SQL, ['malware', 'k', 'x'], 'IDX_intel_aliases_kind_key'],
    ['edge', RELATIONSHIP_BY_EDGE_SQL, ['a', 'uses', 'b'], 'UQ_intel_relationships_edge'],
    ['edges from', RELATIONSHIPS_FROM_SQL, ['a', 10], 'UQ_intel_relationships_edge'],
    ['edges to', RELATIONSHIPS_TO_SQL, ['a', 10], 'IDX_intel_relationships_target'],
    ['report contents', REPORT_CONTENTS_SQL, ['r', 10], 'IDX_report_objects_order'],
    ['reports containing', REPORTS_CONTAINING_SQL, ['o', 10], 'IDX_report_objects_ref'],
    ['report page', REPORT_OBJECTS_PAGE_SQL, ['r', '', 0, '', 10], 'report_objects'],
    [
      'report page of a kind',
      REPORT_OBJECTS_KIND_PAGE_SQL,
      ['r', 'indicator', 0, '', 10],
      'IDX_report_objects_order',
    ],
    ['cve indicator', CVE_INDICATORS_SQL, ['x', 'CVE-2024-1000'], 'INDEX'],
    ['linked indicators', LINKED_INDICATORS_SQL, ['e', 'e', 'x', 'CVE-2024-1000', 0, 10], 'INDEX'],
    ['project counts', INTEL_PROJECT_COUNTS_SQL, ['p'], 'IDX_intel_entities_project'],
  ])('%s uses its index', (_name, sql, params, index) => {
    const p = plan(sql, params)
    expect(p).toContain(index)
    expect(p).not.toMatch(/^SCAN (intel_entities|intel_relationships|report_objects|indicators)$/m)
  })
})
