import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EventName, EventPayload } from '#shared/contract'
import type { Core } from '#core/create-core'
import type { FeedsServiceOptions } from '#core/feeds/feeds.service'
import type { Clock } from '#core/platform/clock'
import { createMemoryLogger } from '#core/platform/logger'
import { openCore } from '../../../../support/test-core'

/** A clock that moves one second per reading: run history has a strict order without real waiting. */
export const tickingClock = (start = '2025-06-01T00:00:00.000Z'): Clock => {
  let t = Date.parse(start)
  return {
    now: () => {
      t += 1000
      return new Date(t)
    },
  }
}

export type TestCore = {
  core: Core
  dataDir: string
  logger: ReturnType<typeof createMemoryLogger>
  close(): Promise<void>
}

/** Short bounds so misbehaving-server cases fail in milliseconds; retries do not wait. */
export const TEST_FETCH_LIMITS = {
  connectTimeoutMs: 2000,
  headersTimeoutMs: 2000,
  idleTimeoutMs: 300,
  totalTimeoutMs: 10_000,
  retries: 2,
  backoffBaseMs: 1,
  maxRetryAfterMs: 5_000,
  maxResponseBytes: 8 * 1024 * 1024,
  maxDecompressedBytes: 4 * 1024 * 1024,
}

export const openTestCore = async (feeds: FeedsServiceOptions = {}): Promise<TestCore> => {
  const t = await openCore({
    clock: tickingClock(),
    feeds: { fetchLimits: TEST_FETCH_LIMITS, sleep: async () => undefined, ...feeds },
    start: true,
  })
  return { core: t.core, dataDir: t.dir, logger: t.logger, close: t.dispose }
}

export const countRows = (
  core: Core,
  table: 'indicators' | 'observations' | 'intel_objects',
): number => core.db.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

export const writeFile = (dir: string, name: string, content: string | Uint8Array): string => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

/** Resolves with the first event of that name matching `where`. */
export const nextEvent = <E extends EventName>(
  core: Core,
  name: E,
  where: (p: EventPayload<E>) => boolean = () => true,
): Promise<EventPayload<E>> =>
  new Promise((resolve) => {
    const off = core.events.on(name, (p) => {
      if (!where(p)) return
      off()
      resolve(p)
    })
  })

/** The counters every run report is asserted on, in one object so a failure shows them all. */
export const countsOf = (r: {
  status: string
  rows: number
  created: number
  updated: number
  unchanged: number
  duplicates: number
  rejected: number
  byType: Record<string, number>
}) => ({
  status: r.status,
  rows: r.rows,
  created: r.created,
  updated: r.updated,
  unchanged: r.unchanged,
  duplicates: r.duplicates,
  rejected: r.rejected,
  byType: r.byType,
})
