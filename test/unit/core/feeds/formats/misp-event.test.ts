import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createParseStats,
  mapMispAttribute,
  mispEventToItems,
  parsers,
} from '#core/feeds/formats/index'
import { FIXTURES, bytesOf, fixture, parseAll, summary, matching, containing } from './support'

const EVENT_UUID = '5e2a1c3b-0000-4000-8000-000000000001'
const SHARED_TAGS = ['osint:source-type="blog-post"', 'misp-galaxy:threat-actor="Sofacy"']
const doc = (): { Event: Record<string, unknown> } =>
  JSON.parse(readFileSync(join(FIXTURES, 'misp-event.json'), 'utf8')) as {
    Event: Record<string, unknown>
  }

describe('misp-event', () => {
  it('maps attributes and object attributes to records, with exact counts', async () => {
    const o = await parseAll(parsers['misp-event'], fixture('misp-event.json'), 7)
    expect(o.records.map((r) => [r.line, r.type, r.value, r.port, r.tlp])).toEqual([
      [1, 'ip', '198.51.100.10', undefined, 'green'],
      [2, 'ipv6', '2001:db8::10', undefined, 'green'],
      [3, 'domain', 'evil.example', undefined, 'amber'], // the attribute's own tlp tag wins
      [4, 'domain', 'c2.evil.example', undefined, 'green'], // to_ids false is kept (flag in raw)
      [5, 'url', 'http://evil.example/gate.php', undefined, 'green'],
      [
        7,
        'sha256',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        undefined,
        'green',
      ],
      [8, 'ip', '203.0.113.50', 4444, 'green'],
      [9, 'domain', 'pair.example', undefined, 'green'],
      [9, 'ip', '192.0.2.99', undefined, 'green'],
      [10, 'registry-key', 'HKLM\\Software\\Run', undefined, 'green'],
      [11, 'cve', 'CVE-2024-3400', undefined, 'green'],
      [12, 'mutex', 'Global\\EvilMutex', undefined, 'green'],
      [15, 'email', 'attacker@evil.example', undefined, 'green'],
      [18, 'file-name', 'evil.exe', undefined, 'green'], // an object's filename attribute
      [19, 'sha512', matching(/^cf83e135/), undefined, 'green'],
      [20, 'md5', 'd41d8cd98f00b204e9800998ecf8427e', undefined, 'red'],
    ])
    expect(o.rejects).toEqual([
      { line: 16, value: 'no-bar-here', reason: 'a filename|md5 value needs "filename|hash"' },
      { line: 17, value: '', reason: 'attribute 17 has no type or value' },
    ])
    // link, text and a deleted md5
    expect(o.stats).toEqual({ filtered: 3, skipped: 0 })
    expect(summary(await parseAll(parsers['misp-event'], fixture('misp-event.json'), 1))).toEqual(
      summary(o),
    )
  })

  it('carries timestamps, tags, comments and composite parts', async () => {
    const o = await parseAll(parsers['misp-event'], fixture('misp-event.json'))
    expect(o.records[0]).toEqual({
      line: 1,
      value: '198.51.100.10',
      type: 'ip',
      // No first/last seen of its own: when the attribute was recorded (its timestamp).
      firstSeen: '2024-04-30T18:00:00.000Z',
      lastSeen: '2024-04-30T18:00:00.000Z',
      tags: SHARED_TAGS,
      tlp: 'green',
      description: 'C2 <b>server</b>',
      // The event's info as plain text, and its threat level 2.
      eventTitle: "OSINT - <script>alert('x')</script> campaign",
      severity: 'medium',
      raw: {
        event_uuid: EVENT_UUID,
        uuid: 'a-1',
        category: 'Network activity',
        type: 'ip-dst',
        to_ids: true,
      },
    })
    expect(o.records[4]).toMatchObject({
      firstSeen: '2024-04-01T10:00:00.000Z',
      lastSeen: '2024-04-20T10:00:00.000Z',
    })
    expect(o.records[5]?.raw).toMatchObject({
      filename: 'invoice|2024.exe',
      type: 'filename|sha256',
    })
    expect(o.records[9]?.raw).toMatchObject({ regvalue: 'C:\\evil.exe' })
    expect(o.records[14]?.raw).toMatchObject({ object_name: 'file', object_relation: 'sha512' })
  })

  it('keeps the event and its galaxy clusters as intel objects', async () => {
    const o = await parseAll(parsers['misp-event'], fixture('misp-event.json'))
    expect(o.objects).toEqual([
      {
        id: 'misp-galaxy-cluster--5b4ee3ea-eee3-4c8e-8323-85ae32658754',
        type: 'misp-galaxy-cluster',
        name: 'Sofacy',
        data: {
          galaxy: {
            uuid: '698774c7-8022-42c4-917f-8d6e4f06ada3',
            type: 'threat-actor',
            name: 'Threat Actor',
          },
          uuid: '5b4ee3ea-eee3-4c8e-8323-85ae32658754',
          type: 'threat-actor',
          value: 'Sofacy',
          tag_name: 'misp-galaxy:threat-actor="Sofacy"',
          description: 'APT28',
          meta: { synonyms: ['APT28', 'Fancy Bear'], country: 'RU' },
        },
      },
      {
        id: `misp-event--${EVENT_UUID}`,
        type: 'misp-event',
        name: "OSINT - <script>alert('x')</script> campaign",
        created: '2024-04-30T00:00:00.000Z',
        modified: '2024-04-30T18:00:00.000Z',
        data: containing({
          uuid: EVENT_UUID,
          date: '2024-04-30',
          published: true,
          Orgc: { uuid: '55f6ea5e-2c60-40e5-964f-47a8950d210f', name: 'CIRCL' },
          attribute_count: 20,
          galaxy_cluster_ids: ['misp-galaxy-cluster--5b4ee3ea-eee3-4c8e-8323-85ae32658754'],
        }),
      },
    ])
  })

  it('accepts the bare event and the restSearch response shapes, and numbers records from lineBase', () => {
    const event = doc().Event
    const count = (items: ReturnType<typeof mispEventToItems>) =>
      items.filter((i) => i.kind === 'record').length
    expect(count(mispEventToItems(event))).toBe(16)
    const response = mispEventToItems({ response: [{ Event: event }, { Event: event }] }, 100)
    expect(count(response)).toBe(32)
    const lines = response.flatMap((i) => (i.kind === 'record' ? [i.record.line] : []))
    expect([lines[0], lines[15], lines[16], lines[31]]).toEqual([101, 120, 121, 140])
    expect(() => mispEventToItems({ nothing: true })).toThrow(/Not a MISP event/)
  })

  it('maps the threat level (4 is no severity) and names the malware of a malware galaxy', () => {
    const event = doc().Event
    const records = (e: Record<string, unknown>) =>
      mispEventToItems({ Event: e }).flatMap((i) => (i.kind === 'record' ? [i.record] : []))
    expect(records({ ...event, threat_level_id: '1' })[0]?.severity).toBe('high')
    expect(records({ ...event, threat_level_id: '3' })[0]?.severity).toBe('low')
    const undefinedLevel = records({ ...event, threat_level_id: '4' })
    expect(undefinedLevel.every((r) => r.severity === undefined)).toBe(true)
    const withMalware = records({
      ...event,
      Galaxy: [
        {
          uuid: 'g-2',
          type: 'malpedia',
          name: 'Malpedia',
          GalaxyCluster: [
            { uuid: 'c-2', value: 'Emotet', tag_name: 'misp-galaxy:malpedia="Emotet"' },
          ],
        },
      ],
    })
    expect(withMalware.every((r) => r.malware === 'Emotet')).toBe(true)
    expect(records(event).every((r) => r.malware === undefined)).toBe(true)
  })

  it('keeps only to_ids attributes when asked', () => {
    const stats = createParseStats()
    const items = mispEventToItems(doc(), 0, { toIdsOnly: true, stats })
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(13)
    expect(stats.filtered).toBe(6)
  })

  it('maps composite and simple attribute types', () => {
    expect(mapMispAttribute('ip-dst', '10.0.0.0/8')).toEqual([
      { type: 'cidr', value: '10.0.0.0/8' },
    ])
    expect(mapMispAttribute('hostname|port', 'a.example|8443')).toEqual([
      { type: 'domain', value: 'a.example', port: 8443 },
    ])
    expect(mapMispAttribute('ip-src|port', '[2001:db8::1]|99999')).toEqual([
      { type: 'ipv6', value: '2001:db8::1' },
    ])
    expect(mapMispAttribute('malware-sample', 'a.exe|d41d8cd98f00b204e9800998ecf8427e')).toEqual([
      { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', raw: { filename: 'a.exe' } },
    ])
    expect(mapMispAttribute('domain|ip', 'nobar')).toBe(
      "a domain|ip value needs a '|' between its parts",
    )
    expect(mapMispAttribute('comment', 'x')).toBeNull()
    expect(mapMispAttribute('link', 'https://x')).toBeNull()
  })

  it('refuses invalid JSON and an oversized document', async () => {
    await expect(parseAll(parsers['misp-event'], bytesOf('{"Event": {'))).rejects.toThrow(
      /MISP event is not valid JSON/,
    )
    await expect(
      parseAll(parsers['misp-event'], fixture('misp-event.json'), 1024, { maxDocumentBytes: 2000 }),
    ).rejects.toThrow(/larger than 2000 bytes/)
  })
})
