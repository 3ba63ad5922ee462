import { afterEach, describe, expect, it } from 'vitest'
import { serve, startFixtureServer, type FixtureServer } from '../../../support/fixture-server'
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
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const before = process.memoryUsage.rss()
    let peak = before
    const off = t.core.events.on('feeds.onDidProgress', () => {
      peak = Math.max(peak, process.memoryUsage.rss())
    })
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20)
    const run = await t.core.call('feeds.importFile', { path, format: 'urlhaus-csv' })
    clearInterval(timer)
    off()
    expect(run).toMatchObject({ status: 'succeeded', rows: 200_000, created: 200_000 })
    expect(countRows(t.core, 'indicators')).toBe(200_000)
    // The file is ~30 MB and its rows as objects would be several hundred MB; batches keep it to a few MB
    // plus SQLite's page cache (64 MB).
    expect((peak - before) / 1024 / 1024).toBeLessThan(160)
  })
})
