import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A MISP feed directory in the real layout (manifest.json, <uuid>.json, hashes.csv), written by the test. */
export type MispFeedFixture = {
  dir: string
  uuids: [string, string, string]
  timestamps: Record<string, number>
  /** Every (md5, uuid) line of hashes.csv that is well-formed, in file order. */
  hashLines: Array<{ md5: string; eventUuid: string }>
}

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex')

const attribute = (
  uuid: string,
  type: string,
  value: string,
  extra: Record<string, unknown> = {},
) => ({
  uuid,
  type,
  category: 'Network activity',
  value,
  to_ids: true,
  distribution: '5',
  timestamp: '1717236000',
  deleted: false,
  ...extra,
})

export const writeMispFeed = (dir: string): MispFeedFixture => {
  mkdirSync(dir, { recursive: true })
  const uuids: [string, string, string] = [
    '5f1e2d3c-0001-4a5b-8c9d-000000000001',
    '5f1e2d3c-0002-4a5b-8c9d-000000000002',
    '5f1e2d3c-0003-4a5b-8c9d-000000000003',
  ]
  // Deliberately not in uuid order, to show changedEvents sorts by time.
  const timestamps: Record<string, number> = {
    [uuids[0]]: 1717300000,
    [uuids[1]]: 1717200000,
    [uuids[2]]: 1717400000,
  }
  const values: Record<string, Array<[string, string, Record<string, unknown>?]>> = {
    [uuids[0]]: [
      ['ip-dst', '203.0.113.7'],
      ['domain', 'xn--bcher-kva.example'],
      ['url', 'http://evil.test/a,b?x=<script>'],
    ],
    [uuids[1]]: [
      ['md5', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['ip-dst|port', '198.51.100.9|8443'],
      ['domain|ip', 'c2.example|192.0.2.44', { comment: '<b>html in a comment</b>' }],
    ],
    [uuids[2]]: [['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']],
  }
  const manifest: Record<string, unknown> = {}
  const hashLines: MispFeedFixture['hashLines'] = []
  uuids.forEach((uuid, i) => {
    const attrs = values[uuid].map(([type, value, extra], j) =>
      attribute(`a0000000-000${i}-4000-8000-00000000000${j}`, type, value, extra ?? {}),
    )
    const event = {
      Event: {
        uuid,
        info: `Fixture event ${i + 1} — "quoted" & <tagged>`,
        date: '2024-06-01',
        timestamp: String(timestamps[uuid]),
        published: true,
        threat_level_id: '2',
        analysis: '2',
        distribution: '3',
        Orgc: { name: 'CIRCL', uuid: '55f6ea5e-2c60-40e5-964f-47a8950d210f' },
        Tag: [
          { name: 'tlp:green', colour: '#33FF00' },
          { name: 'misp-galaxy:threat-actor="Sofacy"', colour: '#0088cc' },
        ],
        Attribute: attrs,
        Object: [],
        Galaxy: [],
      },
    }
    writeFileSync(join(dir, `${uuid}.json`), JSON.stringify(event, null, 1))
    manifest[uuid] = {
      info: event.Event.info,
      Orgc: event.Event.Orgc,
      analysis: '2',
      date: '2024-06-01',
      threat_level_id: '2',
      // One event uses a number, the others MISP's usual string.
      timestamp: i === 2 ? timestamps[uuid] : String(timestamps[uuid]),
      Tag: event.Event.Tag,
    }
    for (const [, value] of values[uuid]) {
      for (const part of value.split('|')) hashLines.push({ md5: md5(part), eventUuid: uuid })
    }
  })
  manifest['not-a-uuid'] = { timestamp: '1' }
  manifest['5f1e2d3c-0009-4a5b-8c9d-000000000009'] = { info: 'no timestamp' }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
  const csv = hashLines.map((h) => `${h.md5},${h.eventUuid}`)
  // CRLF, a blank line and a malformed line, as real-world files have.
  csv.splice(2, 0, '', 'garbage,line')
  writeFileSync(join(dir, 'hashes.csv'), csv.join('\r\n') + '\r\n')
  return { dir, uuids, timestamps, hashLines }
}
