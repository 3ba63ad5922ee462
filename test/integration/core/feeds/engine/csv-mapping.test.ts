import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appErrorOf } from '../../db/core-fixture'
import { serve, startFixtureServer, type FixtureServer } from '../../../../support/fixture-server'
import { openTestCore, type TestCore } from './engine-support'

let t: TestCore
let srv: FixtureServer
beforeAll(async () => {
  t = await openTestCore()
  srv = await startFixtureServer()
})
afterAll(async () => {
  await srv.close()
  await t.close()
})

const SIEM = [
  'Observable|Kind|Labels|Seen First|Seen Last|Score|Marking|Note|Family',
  'mapped.example|hostname|c2,apt|2024-03-01|2024-03-05T10:00:00Z|85|TLP:GREEN|From the SIEM|Emotet',
  'Observable|Kind|Labels|Seen First|Seen Last|Score|Marking|Note|Family',
  '198.51.100.40|ip||||||| ',
  'short.example|domain',
  'bad-score.example|domain||||high|||',
].join('\n')

const MAPPING = {
  delimiter: '|',
  valueColumn: 'Observable',
  typeColumn: 'Kind',
  tagsColumn: 'Labels',
  firstSeenColumn: 'Seen First',
  lastSeenColumn: 'Seen Last',
  confidenceColumn: 'Score',
  tlpColumn: 'Marking',
  descriptionColumn: 'Note',
  malwareColumn: 'Family',
}

describe('the generic CSV with a column mapping', () => {
  it("takes a mapping in-process: the CSV's own dates, confidence, TLP, tags and description reach the indicator", async () => {
    const run = await t.core.call('feeds.importText', {
      content: SIEM,
      fileName: 'siem-export.txt',
      format: 'auto',
      mapping: MAPPING,
    })
    expect(run).toMatchObject({ format: 'generic-csv', rows: 4, created: 2, rejected: 2 })
    const detail = await t.core.call('feeds.getRun', { id: run.id })
    // The repeated header (line 3) is skipped, not rejected; each reject names its line and why.
    expect(detail.rejects.map((r) => [r.line, r.reason])).toEqual([
      [5, 'expected 9 fields, got 2'],
      [6, "confidence: 'high' is not a number from 0 to 100"],
    ])
    const got = await t.core.call('indicators.lookup', { value: 'mapped.example' })
    expect(got).toMatchObject({
      type: 'domain',
      tags: ['c2', 'apt'],
      description: 'From the SIEM',
      confidence: 85,
      tlp: 'green',
      firstSeen: '2024-03-01T00:00:00.000Z',
      lastSeen: '2024-03-05T10:00:00.000Z',
    })
    const seen = await t.core.call('observations.list', { indicatorId: got?.id ?? '' })
    expect(seen.items[0]).toMatchObject({ malware: 'Emotet', confidence: 85 })
  })

  it('refuses a mapping given with a format that has no columns', async () => {
    const e = await appErrorOf(
      t.core.call('feeds.importText', {
        content: 'evil.example\n',
        fileName: 'x.txt',
        format: 'text',
        mapping: { valueColumn: 0 },
      }),
    )
    expect(e.code).toBe('invalid_input')
    expect(e.message).toMatch(/^mapping: .*generic-csv/)
  })

  it('says which columns a CSV has when none is recognised as the indicator', async () => {
    const run = await t.core.call('feeds.importText', {
      content: 'host,comment\nexample.org,x\n',
      fileName: 'hosts.csv',
      format: 'generic-csv',
    })
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/map the columns\. The header has: host, comment/)
  })

  it('previews a CSV for the mapping step: its header, first rows and the mapping its names give', async () => {
    const unknown = await t.core.call('feeds.detectFormat', {
      head: 'host;seen;notes\nevil.example;2024-01-01;x\n1.2.3.4;2024-01-02;y\n',
      fileName: 'hosts.csv',
    })
    expect(unknown).toEqual({
      ambiguous: ['generic-csv', 'text'],
      csv: {
        delimiter: ';',
        columns: ['host', 'seen', 'notes'],
        rows: [
          ['evil.example', '2024-01-01', 'x'],
          ['1.2.3.4', '2024-01-02', 'y'],
        ],
        mapping: null,
      },
    })
    const known = await t.core.call('feeds.detectFormat', {
      head: 'Indicator,Type,First Seen\nevil.example,domain,2024-01-01\n',
    })
    expect(known).toMatchObject({
      format: 'generic-csv',
      csv: {
        mapping: { valueColumn: 'Indicator', typeColumn: 'Type', firstSeenColumn: 'First Seen' },
      },
    })
  })

  it('--format auto recognises a CSV with an indicator column the same way from a file and a URL', async () => {
    const body = 'indicator,type,tags\nauto-1.example,domain,x\nauto-2.example,domain,y\n'
    const path = join(t.dataDir, 'export.csv')
    writeFileSync(path, body)
    srv.route('/export', serve.bytes(body, { contentType: 'text/plain' }))
    const fromFile = await t.core.call('feeds.importFile', { path, format: 'auto' })
    const fromUrl = await t.core.call('feeds.importUrl', {
      url: srv.url('/export'),
      format: 'auto',
    })
    for (const run of [fromFile, fromUrl]) {
      expect(run).toMatchObject({
        status: 'succeeded',
        format: 'generic-csv',
        rows: 2,
        rejected: 0,
      })
    }
  })

  it('refuses HTML, XML and binary files with what they look like, importing nothing', async () => {
    const before = await t.core.call('indicators.count', { filter: {} })
    const cases: [string, string | Buffer, string, RegExp][] = [
      [
        'page.html',
        '<!doctype html><html><head><title>Blocklist</title></head><body><a href="http://junk.example/">x</a> 1.2.3.4</body></html>',
        'auto',
        /page\.html looks like an HTML page titled "Blocklist"/,
      ],
      [
        'iocs.xml',
        '<?xml version="1.0"?><iocs><ioc>junk-xml.example</ioc></iocs>',
        'text',
        /iocs\.xml looks like XML/,
      ],
      [
        'logo.png',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]),
        'auto',
        /logo\.png looks like binary data \(PNG image\)/,
      ],
    ]
    for (const [name, content, format, message] of cases) {
      const path = join(t.dataDir, name)
      writeFileSync(path, content)
      const run = await t.core.call('feeds.importFile', {
        path,
        format: format === 'auto' ? 'auto' : 'text',
      })
      expect(run.status).toBe('failed')
      expect(run.error).toMatch(message)
    }
    expect(await t.core.call('indicators.count', { filter: {} })).toEqual(before)
  })
})
