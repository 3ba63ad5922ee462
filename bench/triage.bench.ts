/**
 * `npm run bench:triage`: the triage queue at BENCH_TRIAGE_ALERTS (default 100,000) open alerts and
 * BENCH_TRIAGE_INCIDENTS (default 1,000) incidents, seeded through the core (an alert rule on a tag,
 * indicators imported in bulk with that tag, incidents tracked one by one).
 *
 * Times, through the in-process contract call (validation included): the first page (100 items and the
 * total), a page deep down (the cursor after half the queue, reached by following the cursors), and one
 * triage.act resolving 1,000 selected items (alerts and incidents mixed). Prints a table, then one JSON line.
 */
import 'reflect-metadata'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '#core'
import { createLogger } from '#core/platform/logger'
import { createMemorySecretStore } from '#core/platform/secret-store'
import { seedTriage } from '../test/support/triage-seed'
import { percentile, round, timedAsync } from './support/stats'
import { formatTable } from './support/table'

const ALERTS = Number(process.env.BENCH_TRIAGE_ALERTS ?? 100_000)
const INCIDENTS = Number(process.env.BENCH_TRIAGE_INCIDENTS ?? 1_000)
const PAGE = 100
const RUNS = 30
const BULK = 1_000

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'te-bench-triage-'))
  const core = await createCore({
    dataDir: dir,
    logger: createLogger({ level: 'warn' }),
    secrets: createMemorySecretStore(),
    feeds: { schedule: false },
  })
  try {
    const seeded = await timedAsync(() =>
      seedTriage(core, { alerts: ALERTS, incidents: INCIDENTS }),
    )
    const list = (cursor?: string) =>
      core.call('triage.list', { filter: {}, limit: PAGE, ...(cursor ? { cursor } : {}) })

    const first: number[] = []
    let total = 0
    for (let i = 0; i < RUNS; i++) {
      const r = await timedAsync(() => list())
      first.push(r.ms)
      total = r.value.total
    }

    // Walk to the middle of the queue (untimed), then time the page there.
    let cursor: string | null = null
    const walked = await timedAsync(async () => {
      let seen = 0
      let next: string | null = null
      do {
        const page: { nextCursor: string | null; items: unknown[] } = await list(next ?? undefined)
        seen += page.items.length
        next = page.nextCursor
      } while (next !== null && seen < total / 2)
      return next
    })
    cursor = walked.value
    const deep: number[] = []
    for (let i = 0; i < RUNS && cursor !== null; i++) {
      const c: string = cursor
      deep.push((await timedAsync(() => list(c))).ms)
    }

    const filtered: number[] = []
    for (let i = 0; i < RUNS; i++) {
      filtered.push(
        (
          await timedAsync(() =>
            core.call('triage.list', {
              filter: { minSeverity: 70, status: ['open'] },
              limit: PAGE,
            }),
          )
        ).ms,
      )
    }

    const selection = (await core.call('triage.list', { filter: {}, limit: BULK })).items
    const bulk = await timedAsync(() =>
      core.call('triage.act', {
        items: selection.map((i) => ({ kind: i.kind, id: i.id })),
        action: 'resolve',
      }),
    )
    await core.waitForIdle()

    const row = (name: string, ms: number[]) => [
      name,
      ms.length,
      round(percentile(ms, 50), 2),
      round(percentile(ms, 95), 2),
    ]
    console.log(
      `triage queue: ${total.toLocaleString('en-US')} open items (seeded in ${round(seeded.ms / 1000, 1)} s)\n`,
    )
    console.log(
      formatTable(
        ['call', 'runs', 'p50 ms', 'p95 ms'],
        [
          row('first page (100 + total)', first),
          row('page at the middle (cursor)', deep),
          row('first page, severity >= 70, open', filtered),
          ['triage.act resolve 1,000 mixed', 1, round(bulk.ms, 1), round(bulk.ms, 1)],
        ],
      ),
    )
    console.log(
      JSON.stringify({
        bench: 'triage',
        openItems: total,
        alerts: ALERTS,
        incidents: INCIDENTS,
        firstPageP50Ms: round(percentile(first, 50), 2),
        firstPageP95Ms: round(percentile(first, 95), 2),
        deepPageP50Ms: round(percentile(deep, 50), 2),
        deepPageP95Ms: round(percentile(deep, 95), 2),
        filteredPageP50Ms: round(percentile(filtered, 50), 2),
        bulkResolve: selection.length,
        bulkResolveMs: round(bulk.ms, 1),
        bulkChanged: bulk.value.changed,
      }),
    )
  } finally {
    await core.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()
