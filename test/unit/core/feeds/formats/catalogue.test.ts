import { Cron } from 'croner'
import { describe, expect, it } from 'vitest'
import { FEED_FORMATS } from '#core/feeds/feed-types'
import { catalogue } from '#core/feeds/formats/index'

describe('catalogue', () => {
  it('has unique keys, known formats, https URLs, valid cron schedules and reliabilities', () => {
    expect(new Set(catalogue.map((c) => c.key)).size).toBe(catalogue.length)
    for (const c of catalogue) {
      expect(FEED_FORMATS).toContain(c.format)
      expect(['A', 'B', 'C', 'D', 'E', 'F']).toContain(c.reliability)
      expect(['clear', 'green', 'amber', 'amber+strict', 'red']).toContain(c.defaultTlp)
      if (c.needsConfiguration === true) expect(c.url).toBe('')
      else expect(new URL(c.url).protocol).toBe('https:')
      if (c.schedule !== null)
        expect(new Cron(c.schedule, { paused: true }).nextRun()).toBeInstanceOf(Date)
      expect(c.description.length).toBeGreaterThan(20)
    }
  })

  it('lists the real public feeds', () => {
    const urls = Object.fromEntries(catalogue.map((c) => [c.key, c.url]))
    expect(urls).toMatchObject({
      'urlhaus-recent': 'https://urlhaus.abuse.ch/downloads/csv_recent/',
      'urlhaus-full': 'https://urlhaus.abuse.ch/downloads/csv/',
      'threatfox-recent-csv': 'https://threatfox.abuse.ch/export/csv/recent/',
      'threatfox-recent-json': 'https://threatfox.abuse.ch/export/json/recent/',
      'feodo-ipblocklist-csv': 'https://feodotracker.abuse.ch/downloads/ipblocklist.csv',
      'feodo-ipblocklist-json': 'https://feodotracker.abuse.ch/downloads/ipblocklist.json',
      'openphish-community': 'https://openphish.com/feed.txt',
      'spamhaus-drop-v4': 'https://www.spamhaus.org/drop/drop_v4.json',
      'spamhaus-drop-v6': 'https://www.spamhaus.org/drop/drop_v6.json',
      'circl-osint-misp': 'https://www.circl.lu/doc/misp/feed-osint/',
    })
    const phishtank = catalogue.find((c) => c.key === 'phishtank-online-valid')
    expect(phishtank).toMatchObject({ needsAuthKey: true, authKeyIn: 'url' })
    expect(phishtank?.url).toContain('{authKey}')
  })
})
