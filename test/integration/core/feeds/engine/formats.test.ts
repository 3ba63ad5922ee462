import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { FeedFormat } from '#core/feeds/feed-types'
import {
  serve,
  startFixtureServer,
  zipArchive,
  type FixtureServer,
} from '../../../../support/fixture-server'
import { countRows, countsOf, openTestCore, type TestCore } from './engine-support'

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/feeds')

type Expected = {
  rows: number
  created: number
  duplicates: number
  rejected: number
  objects: number
  byType: Record<string, number>
  /** Lines of the rejects, in order (parser rejects and canonicalisation rejects alike). */
  rejectLines: number[]
}

const GENERIC_OPTIONS = {
  delimiter: ';',
  valueColumn: 'indicator',
  typeColumn: 'kind',
  tagsColumn: 'labels',
  firstSeenColumn: 'first',
  lastSeenColumn: 'last',
  descriptionColumn: 'notes',
  commentPrefix: '//',
}

// What each fixture (test/fixtures/feeds/README.md: what its parser yields) becomes after the engine:
// canonicalisation turns some records into rejects (a URL with a quoted line break, "it's.example"),
// repeats of the same canonical value are duplicates, and STIX/MISP objects are kept.
const CASES: [string, FeedFormat, string, Expected, Record<string, unknown>?][] = [
  [
    'urlhaus-recent.csv',
    'urlhaus-csv',
    'text/csv',
    {
      rows: 11,
      created: 6,
      duplicates: 1,
      rejected: 4,
      objects: 0,
      byType: { url: 6 },
      rejectLines: [16, 18, 19, 21],
    },
  ],
  [
    'urlhaus-asn.csv',
    'urlhaus-csv',
    'text/csv',
    {
      rows: 2,
      created: 2,
      duplicates: 0,
      rejected: 0,
      objects: 0,
      byType: { url: 2 },
      rejectLines: [],
    },
  ],
  [
    'threatfox-recent.csv',
    'threatfox-csv',
    'text/csv',
    {
      rows: 9,
      created: 7,
      duplicates: 0,
      rejected: 2,
      objects: 0,
      byType: { ip: 1, ipv6: 1, domain: 1, url: 1, md5: 1, sha1: 1, sha256: 1 },
      rejectLines: [17, 18],
    },
  ],
  [
    'threatfox-old14.csv',
    'threatfox-csv',
    'text/csv',
    {
      rows: 2,
      created: 2,
      duplicates: 0,
      rejected: 0,
      objects: 0,
      byType: { domain: 1, ip: 1 },
      rejectLines: [],
    },
  ],
  [
    'threatfox-recent.json',
    'threatfox-json',
    'application/json',
    {
      rows: 9,
      created: 6,
      duplicates: 0,
      rejected: 3,
      objects: 0,
      byType: { ip: 1, ipv6: 1, domain: 3, url: 1 },
      rejectLines: [5, 6, 9],
    },
  ],
  [
    'feodo-ipblocklist.csv',
    'feodo-csv',
    'text/csv',
    {
      rows: 5,
      created: 3,
      duplicates: 1,
      rejected: 1,
      objects: 0,
      byType: { ip: 2, ipv6: 1 },
      rejectLines: [13],
    },
  ],
  [
    'feodo-ipblocklist.json',
    'feodo-json',
    'application/json',
    {
      rows: 4,
      created: 2,
      duplicates: 0,
      rejected: 2,
      objects: 0,
      byType: { ip: 1, ipv6: 1 },
      rejectLines: [3, 4],
    },
  ],
  [
    'openphish-feed.txt',
    'openphish-txt',
    'text/plain',
    {
      rows: 6,
      created: 5,
      duplicates: 1,
      rejected: 0,
      objects: 0,
      byType: { url: 5 },
      rejectLines: [],
    },
  ],
  [
    'phishtank-online-valid.csv',
    'phishtank-csv',
    'text/csv',
    {
      rows: 4,
      created: 3,
      duplicates: 0,
      rejected: 1,
      objects: 0,
      byType: { url: 3 },
      rejectLines: [7],
    },
  ],
  [
    'phishtank-online-valid.json',
    'phishtank-json',
    'application/json',
    {
      rows: 2,
      created: 1,
      duplicates: 0,
      rejected: 1,
      objects: 0,
      byType: { url: 1 },
      rejectLines: [3],
    },
  ],
  [
    'spamhaus-drop.txt',
    'spamhaus-drop',
    'text/plain',
    {
      rows: 4,
      created: 3,
      duplicates: 0,
      rejected: 1,
      objects: 0,
      byType: { cidr: 3 },
      rejectLines: [8],
    },
  ],
  [
    'spamhaus-dropv6.txt',
    'spamhaus-drop',
    'text/plain',
    {
      rows: 2,
      created: 2,
      duplicates: 0,
      rejected: 0,
      objects: 0,
      byType: { cidr: 2 },
      rejectLines: [],
    },
  ],
  [
    'spamhaus-drop_v4.json',
    'spamhaus-drop',
    'application/json',
    {
      rows: 5,
      created: 3,
      duplicates: 0,
      rejected: 2,
      objects: 0,
      byType: { cidr: 3 },
      rejectLines: [4, 5],
    },
  ],
  [
    'text-list.txt',
    'text',
    'text/plain',
    {
      rows: 7,
      created: 6,
      duplicates: 0,
      rejected: 1,
      objects: 0,
      byType: { ip: 2, domain: 1, url: 1, ipv6: 1, md5: 1 },
      rejectLines: [5],
    },
  ],
  [
    'text-report.txt',
    'text',
    'text/plain',
    {
      rows: 5,
      created: 5,
      duplicates: 0,
      rejected: 0,
      objects: 0,
      byType: { url: 1, ip: 1, cve: 1, email: 1, sha256: 1 },
      rejectLines: [],
    },
  ],
  [
    'misp-event.json',
    'misp-event',
    'application/json',
    {
      rows: 18,
      created: 16,
      duplicates: 0,
      rejected: 2,
      objects: 2,
      byType: {
        ip: 3,
        ipv6: 1,
        domain: 3,
        url: 1,
        sha256: 1,
        'registry-key': 1,
        cve: 1,
        mutex: 1,
        email: 1,
        // The file object's filename attribute.
        'file-name': 1,
        sha512: 1,
        md5: 1,
      },
      rejectLines: [16, 17],
    },
  ],
  [
    'stix-bundle.json',
    'stix-bundle',
    'application/json',
    {
      rows: 19,
      created: 10,
      duplicates: 2,
      rejected: 7,
      objects: 14,
      byType: {
        ip: 2,
        sha256: 1,
        md5: 1,
        domain: 1,
        url: 1,
        cve: 1,
        'registry-key': 1,
        mutex: 1,
        email: 1,
      },
      rejectLines: [7, 8, 9, 24, 25, 26, 27],
    },
  ],
  [
    'generic.csv',
    'generic-csv',
    'text/csv',
    {
      rows: 5,
      created: 3,
      duplicates: 0,
      rejected: 2,
      objects: 0,
      byType: { ip: 1, domain: 1, sha256: 1 },
      rejectLines: [5, 6],
    },
    GENERIC_OPTIONS,
  ],
]

describe('every format through the engine, over HTTP, with exact counts', () => {
  let t: TestCore
  let srv: FixtureServer
  beforeAll(async () => {
    srv = await startFixtureServer()
  })
  afterAll(async () => {
    await srv.close()
  })
  beforeEach(async () => {
    t = await openTestCore()
  })
  afterEach(async () => {
    await t.close()
  })

  for (const [file, format, contentType, want, options] of CASES) {
    it(`${file} as ${format}`, async () => {
      srv.route(`/${file}`, serve.file(join(FIXTURES, file), { contentType }))
      const feed = await t.core.call('feeds.create', {
        name: file,
        format,
        url: srv.url(`/${file}`),
        options: options ?? {},
      })
      const first = await t.core.call('feeds.run', { id: feed.id, wait: true })
      const detail = await t.core.call('feeds.getRun', { id: first.id })
      expect({
        ...countsOf(first),
        objects: first.objects,
        rejectLines: detail.rejects.map((r) => r.line),
      }).toEqual({
        status: 'succeeded',
        rows: want.rows,
        created: want.created,
        updated: 0,
        unchanged: 0,
        duplicates: want.duplicates,
        rejected: want.rejected,
        byType: want.byType,
        objects: want.objects,
        rejectLines: want.rejectLines,
      })
      expect(Object.values(first.byType).reduce((a, b) => a + b, 0)).toBe(want.created)
      expect(first.bytes).toBe(readFileSync(join(FIXTURES, file)).length)
      expect(countRows(t.core, 'indicators')).toBe(want.created)
      expect(countRows(t.core, 'observations')).toBe(want.created)
      for (const r of detail.rejects) expect(r.reason.length).toBeGreaterThan(0)

      const again = await t.core.call('feeds.run', { id: feed.id, wait: true })
      expect(countsOf(again)).toEqual({
        status: 'succeeded',
        rows: want.rows,
        created: 0,
        updated: 0,
        unchanged: want.created,
        duplicates: want.duplicates,
        rejected: want.rejected,
        byType: first.byType,
      })
      expect(countRows(t.core, 'indicators')).toBe(want.created)
    })
  }

  it('reads a zipped dump (the URLhaus full download) with the same counts', async () => {
    const zip = await zipArchive([
      { name: 'csv.txt', data: readFileSync(join(FIXTURES, 'urlhaus-recent.csv')) },
    ])
    srv.route('/csv.zip', serve.bytes(zip, { contentType: 'application/zip' }))
    const feed = await t.core.call('feeds.create', {
      name: 'zip',
      format: 'urlhaus-csv',
      url: srv.url('/csv.zip'),
    })
    const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(countsOf(run)).toMatchObject({
      status: 'succeeded',
      rows: 11,
      created: 6,
      duplicates: 1,
      rejected: 4,
    })
  })
})
