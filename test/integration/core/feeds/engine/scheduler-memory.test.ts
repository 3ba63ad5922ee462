import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, describe, expect, it } from 'vitest'
import { serve, startFixtureServer, type FixtureServer } from '../../../../support/fixture-server'
import { countRows, nextEvent, openTestCore, writeFile, type TestCore } from './engine-support'

describe('scheduler and bounded memory', () => {
  let t: TestCore | undefined
  let srv: FixtureServer | undefined
  afterEach(async () => {
    await t?.close()
    await srv?.close()
    t = undefined
    srv = undefined
  })

  it('runs an enabled feed on its cron schedule, and stop() drains', async () => {
    srv = await startFixtureServer()
    srv.route('/tick.txt', serve.bytes('198.51.100.99\n', { contentType: 'text/plain' }))
    t = await openTestCore({ schedule: true })
    const finished = nextEvent(t.core, 'feeds.onDidFinishRun', (p) => p.run.trigger === 'schedule')
    // Six fields: every second, so the test waits about one second, for the event, not for a timer.
    const feed = await t.core.call('feeds.create', {
      name: 'Every second',
      format: 'text',
      url: srv.url('/tick.txt'),
      schedule: '* * * * * *',
    })
    const { run } = await finished
    expect(run).toMatchObject({
      feedId: feed.id,
      trigger: 'schedule',
      status: 'succeeded',
      created: 1,
    })
    // The run, its batch and its finish are in the change log as the scheduler's.
    const log = (await t.core.call('audit.list', { method: 'feeds.run' })).items
    const ofRun = log.filter(
      (e) => e.entityId === run.id || (e.changes.source as { runId?: string })?.runId === run.id,
    )
    expect(ofRun.map((e) => e.operation)).toEqual(['run_finish', 'import', 'run_start'])
    expect(log.every((e) => e.transport === 'scheduler' && e.actor === 'scheduler')).toBe(true)
    // Disabling the feed stops its timer.
    await t.core.call('feeds.update', { id: feed.id, patch: { enabled: false } })
    expect((await t.core.call('feeds.get', { id: feed.id })).nextRunAt).toBeNull()
    await t.core.waitForIdle()
  })

  it('imports 200,000 URLhaus rows without holding them in memory', async () => {
    t = await openTestCore()
    const rows: string[] = [
      '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter',
    ]
    for (let i = 0; i < 200_000; i++) {
      rows.push(
        `"${i}","2025-05-01 00:00:00","http://h${i % 997}.example.com/p/${i.toString(36)}/x.bin","online","","malware_download","elf","https://urlhaus.abuse.ch/url/${i}/","r"`,
      )
    }
    const path = writeFile(t.dataDir, 'big.csv', rows.join('\n'))
    rows.length = 0
    // A full collection before each sample, so what is measured is what the engine keeps alive, not the
    // garbage V8 has not collected yet (that depends on V8's heuristics and the machine, not on us).
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const liveBefore = process.memoryUsage().heapUsed
    const rssBefore = process.memoryUsage.rss()
    let livePeak = liveBefore
    let rssPeak = rssBefore
    let samples = 0
    const off = t.core.events.on('feeds.onDidProgress', (p) => {
      if (p.phase !== 'reading') return
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
      gc()
      livePeak = Math.max(livePeak, process.memoryUsage().heapUsed)
      samples++
    })
    const run = await t.core.call('feeds.importFile', { path, format: 'urlhaus-csv' })
    off()
    expect(run).toMatchObject({ status: 'succeeded', rows: 200_000, created: 200_000 })
    expect(countRows(t.core, 'indicators')).toBe(200_000)
    const mb = (n: number) => n / 1024 / 1024
    expect(samples).toBeGreaterThan(2)
    // 200,000 prepared records alone would be ~140 MB of live objects; a batch (at most 20,000) is ~15 MB.
    expect(mb(livePeak - liveBefore)).toBeLessThan(60)
    // RSS also holds SQLite's page cache (64 MB) and garbage V8 has not collected yet.
    expect(mb(rssPeak - rssBefore)).toBeLessThan(300)
  })
})
