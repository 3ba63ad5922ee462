import { describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract/errors'
import { parseStixPattern, parsers } from '#core/feeds/formats/index'
import { bytesOf, fixture, parseAll, summary, matching } from './support'

const id = (type: string, n: number) =>
  `${type}--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const E3B0 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const D41D = 'd41d8cd98f00b204e9800998ecf8427e'

describe('stix-bundle', () => {
  const bytes = fixture('stix-bundle.json')

  it('maps indicators, SCOs and SDOs of a bundle with bad elements inside: exact counts', async () => {
    const o = await parseAll(parsers['stix-bundle'], bytes)
    expect(
      o.records.map((r) => [
        r.line,
        r.type,
        r.value.length > 1000 ? `${r.value.length} chars` : r.value,
        r.tlp,
      ]),
    ).toEqual([
      [3, 'ip', '198.51.100.3', 'amber'],
      [4, 'sha256', E3B0, undefined],
      [4, 'md5', D41D, undefined],
      [10, 'ip', '203.0.113.10', undefined],
      [11, 'domain', 'bücher.example', 'red'],
      [12, 'url', '5120 chars', undefined],
      [13, 'md5', D41D, undefined],
      [13, 'sha256', E3B0, undefined],
      [18, 'cve', 'CVE-2021-44228', undefined],
      [26, 'domain', "it's.example", 'red'],
      [28, 'registry-key', 'HKEY_LOCAL_MACHINE\\Software\\Evil', undefined],
      [29, 'mutex', 'Global\\Evil', undefined],
      [30, 'email', 'phisher@evil.example', undefined],
    ])
    expect(o.rejects).toEqual([
      {
        line: 7,
        value: "[ipv4-addr:value = '1.2.3.4'",
        reason: "object 7: STIX pattern: expected ']' at position 29",
      },
      { line: 8, value: id('indicator', 8), reason: 'object 8: indicator has no pattern' },
      {
        line: 9,
        value: '{"type": "indicator", "id": "indicator--bad", oops}',
        reason: matching(/^object 9 is not valid JSON: /),
      },
      {
        line: 24,
        value: id('relationship', 24),
        reason: 'object 24: relationship has no target_ref',
      },
      { line: 25, value: '42', reason: 'object 25 is not a JSON object' },
      { line: 27, value: id('ipv6-addr', 27), reason: 'object 27 (ipv4-addr) has no valid id' },
    ])
    expect(o.objects.map((x) => [x.type, x.id])).toEqual([
      ['marking-definition', 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
      ['identity', id('identity', 2)],
      ['indicator', id('indicator', 5)], // AND pattern: kept as the object, no records
      ['indicator', id('indicator', 6)], // yara
      ['threat-actor', id('threat-actor', 14)],
      ['intrusion-set', id('intrusion-set', 15)],
      ['campaign', id('campaign', 16)],
      ['malware', id('malware', 17)],
      ['vulnerability', id('vulnerability', 18)],
      ['report', id('report', 19)],
      ['attack-pattern', id('attack-pattern', 20)],
      ['relationship', id('relationship', 21)],
      ['sighting', id('sighting', 22)],
      ['x-acme-thing', id('x-acme-thing', 23)],
    ])
  })

  it('takes the classification from indicator_types and the title of a report that came before', async () => {
    const ind = (n: number, types: string[], extra: Record<string, unknown> = {}) => ({
      type: 'indicator',
      id: id('indicator', n),
      created: '2024-01-01T00:00:00.000Z',
      modified: '2024-03-01T00:00:00.000Z',
      pattern: `[ipv4-addr:value = '192.0.2.${n}']`,
      pattern_type: 'stix',
      valid_from: '2024-02-01T00:00:00Z',
      indicator_types: types,
      ...extra,
    })
    const bundle = {
      type: 'bundle',
      id: 'bundle--1',
      objects: [
        {
          type: 'report',
          id: id('report', 9),
          name: 'Spring wave',
          object_refs: [id('indicator', 1)],
        },
        ind(1, ['malicious-activity']),
        ind(2, ['anomalous-activity']),
        ind(3, ['attribution']),
        // valid_from after modified: last seen is never before first seen
        ind(4, ['benign'], { valid_from: '2024-05-01T00:00:00Z' }),
      ],
    }
    const o = await parseAll(parsers['stix-bundle'], bytesOf(JSON.stringify(bundle)))
    expect(
      o.records.map((r) => [r.value, r.classification, r.eventTitle, r.firstSeen, r.lastSeen]),
    ).toEqual([
      [
        '192.0.2.1',
        'malicious',
        'Spring wave',
        '2024-02-01T00:00:00.000Z',
        '2024-03-01T00:00:00.000Z',
      ],
      [
        '192.0.2.2',
        'suspicious',
        undefined,
        '2024-02-01T00:00:00.000Z',
        '2024-03-01T00:00:00.000Z',
      ],
      ['192.0.2.3', undefined, undefined, '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
      ['192.0.2.4', 'benign', undefined, '2024-05-01T00:00:00.000Z', '2024-05-01T00:00:00.000Z'],
    ])
  })

  it('carries indicator fields: valid_from, confidence, labels, kill chain, TLP, description as plain text', async () => {
    const o = await parseAll(parsers['stix-bundle'], bytes)
    expect(o.records[0]).toEqual({
      line: 3,
      value: '198.51.100.3',
      type: 'ip',
      firstSeen: '2024-04-01T00:00:00.000Z',
      lastSeen: '2024-04-01T00:00:00.000Z', // modified
      classification: 'malicious', // indicator_types malicious-activity
      confidence: 80,
      threatType: 'malicious-activity',
      tags: [
        'c2',
        'malicious-activity',
        'attack:command-and-control',
        'lockheed-martin-cyber-kill-chain:installation',
      ],
      reference: 'https://blog.example/c2',
      description: '<script>alert(1)</script> seen beaconing',
      tlp: 'amber',
      raw: { id: id('indicator', 3), name: 'C2 <b>IP</b>', valid_until: '2025-04-01T00:00:00Z' },
    })
    expect(o.records[6]?.raw).toEqual({ id: id('file', 13), name: 'evil.exe' })
    const rel = o.objects.find((x) => x.type === 'relationship')
    expect(rel).toMatchObject({
      sourceRef: id('indicator', 3),
      targetRef: id('malware', 17),
      relationshipType: 'indicates',
      created: '2024-04-01T00:00:00.000Z',
    })
    expect(o.objects.find((x) => x.type === 'sighting')).toMatchObject({
      sourceRef: id('indicator', 3),
      targetRef: id('identity', 2),
      relationshipType: 'sighting-of',
    })
    expect(o.objects.find((x) => x.type === 'x-acme-thing')?.data).toMatchObject({
      payload: { nested: [1, 2, { deep: '}]' }] },
    })
  })

  it('gives the same result fed 1 byte and 7 bytes at a time (BOM, CRLF, braces in strings)', async () => {
    const whole = summary(await parseAll(parsers['stix-bundle'], bytes))
    expect(summary(await parseAll(parsers['stix-bundle'], bytes, 1))).toEqual(whole)
    expect(summary(await parseAll(parsers['stix-bundle'], bytes, 7))).toEqual(whole)
  })

  it('rejects an object over the element cap and keeps going', async () => {
    const o = await parseAll(parsers['stix-bundle'], bytes, 4096, { maxElementBytes: 2000 })
    expect(o.rejects.find((r) => r.line === 12)).toEqual({
      line: 12,
      value: '',
      reason: matching(
        /^object 12 is larger than the 2000 byte limit \(\d+ bytes\), and not because of long descriptions/,
      ),
    })
    expect(o.records.filter((r) => r.line === 12)).toEqual([])
    expect(o.records.filter((r) => r.line === 30)).toHaveLength(1)
  })

  it('keeps an oversized indicator whose size is its description, cuts the text and says so', async () => {
    const indicator = {
      type: 'indicator',
      spec_version: '2.1',
      id: id('indicator', 1),
      created: '2024-04-01T00:00:00.000Z',
      modified: '2024-04-01T00:00:00.000Z',
      pattern: "[domain-name:value = 'kept.example']",
      pattern_type: 'stix',
      valid_from: '2024-04-01T00:00:00.000Z',
      description: `A pasted report. ${'Lorem ipsum dolor sit amet. '.repeat(400)}`,
      external_references: [{ source_name: 'blog', description: 'é'.repeat(3000) }],
    }
    const doc = JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [indicator] })
    const opts = { maxElementBytes: 4000 }
    const o = await parseAll(parsers['stix-bundle'], bytesOf(doc), 4096, opts)
    expect(o.rejects).toEqual([])
    expect(o.records.map((r) => [r.type, r.value])).toEqual([['domain', 'kept.example']])
    expect(o.records[0]?.description?.length).toBeLessThan(600)
    expect(o.notes).toEqual([
      {
        line: 1,
        message: matching(
          /^object 1 \(indicator--0+-0000-4000-8000-0+1\) is 1[0-9.]+ KiB, over the limit: kept, with its long (description, external_references\[0\]\.description|external_references\[0\]\.description, description) cut to 500 B$/,
        ),
      },
    ])
    const byByte = await parseAll(parsers['stix-bundle'], bytesOf(doc), 1, opts)
    expect(summary(byByte)).toEqual(summary(o))
  })

  it('applies a TLP marking the bundle defines under its own id, and reads a TAXII envelope', async () => {
    const custom = 'marking-definition--11111111-2222-4333-8444-555555555555'
    const text = JSON.stringify({
      more: false,
      objects: [
        {
          type: 'marking-definition',
          id: custom,
          definition_type: 'tlp',
          definition: { tlp: 'amber' },
        },
        {
          type: 'ipv4-addr',
          id: id('ipv4-addr', 1),
          value: '192.0.2.1',
          object_marking_refs: [custom],
        },
        { type: 'ipv6-addr', id: id('ipv6-addr', 2), value: '2001:db8::/32' },
      ],
    })
    const o = await parseAll(parsers['stix-bundle'], bytesOf(text), 5)
    expect(o.records.map((r) => [r.line, r.type, r.value, r.tlp])).toEqual([
      [2, 'ip', '192.0.2.1', 'amber'],
      [3, 'cidr', '2001:db8::/32', undefined],
    ])
  })

  it('fails a document without an objects array and a truncated bundle', async () => {
    const noObjects = await parseAll(
      parsers['stix-bundle'],
      bytesOf('{"type":"bundle","id":"bundle--1"}'),
    ).catch((e: unknown) => e)
    expect(isAppError(noObjects) && noObjects.message).toBe(
      'Not a STIX bundle: the document has no top-level "objects" array',
    )
    const cut = new TextDecoder().decode(bytes).slice(0, 3000)
    await expect(parseAll(parsers['stix-bundle'], bytesOf(cut))).rejects.toThrow(/truncated/)
  })

  it('stops with a cancelled error when the signal aborts', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await parseAll(parsers['stix-bundle'], bytes, 64, {
      signal: controller.signal,
    }).catch((e: unknown) => e)
    expect(isAppError(error) && error.code).toBe('cancelled')
  })
})

describe('parseStixPattern', () => {
  const obs = (pattern: string) => {
    const info = parseStixPattern(pattern)
    return {
      simple: info.simple,
      comparisons: info.comparisons,
      observables: info.observables.map((o) => [o.type, o.value, o.sufficient]),
    }
  }

  it.each([
    ["[ipv4-addr:value = '198.51.100.1']", true, 1, [['ip', '198.51.100.1', true]]],
    ["[ipv4-addr:value == '10.0.0.0/8']", true, 1, [['cidr', '10.0.0.0/8', true]]],
    ["[ ipv6-addr:value = '2001:db8::1' ]", true, 1, [['ipv6', '2001:db8::1', true]]],
    ["[domain-name:value = 'evil.example']", true, 1, [['domain', 'evil.example', true]]],
    [
      "[url:value = 'http://x.example/it\\'s\\\\here']",
      true,
      1,
      [['url', "http://x.example/it's\\here", true]],
    ],
    ["[email-addr:value = 'a@b.example']", true, 1, [['email', 'a@b.example', true]]],
    [`[file:hashes.'SHA-256' = '${E3B0}']`, true, 1, [['sha256', E3B0, true]]],
    [`[file:hashes.MD5 = '${D41D}']`, true, 1, [['md5', D41D, true]]],
    ["[file:hashes.'SHA-1' = 'aa']", true, 1, [['sha1', 'aa', true]]],
    ["[file:hashes.SHA512 = 'bb']", true, 1, [['sha512', 'bb', true]]],
    [
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Run']",
      true,
      1,
      [['registry-key', 'HKEY_LOCAL_MACHINE\\Run', true]],
    ],
    ["[mutex:name = 'Global\\\\m']", true, 1, [['mutex', 'Global\\m', true]]],
    [
      "[domain-name:value = 'a.example' OR domain-name:value = 'b.example'] OR [url:value = 'http://c/']",
      true,
      3,
      [
        ['domain', 'a.example', true],
        ['domain', 'b.example', true],
        ['url', 'http://c/', true],
      ],
    ],
    [
      "([ipv4-addr:value = '1.1.1.1'] OR ([ipv4-addr:value = '2.2.2.2']))",
      true,
      2,
      [
        ['ip', '1.1.1.1', true],
        ['ip', '2.2.2.2', true],
      ],
    ],
    [
      "[ipv4-addr:value = '1.2.3.4' AND network-traffic:dst_port = 4444]",
      false,
      2,
      [['ip', '1.2.3.4', false]],
    ],
    [
      "[domain-name:value = 'a.example'] AND [url:value = 'http://b/']",
      false,
      2,
      [
        ['domain', 'a.example', false],
        ['url', 'http://b/', false],
      ],
    ],
    [
      "[url:value = 'http://x/'] OR [x509-certificate:serial_number = '01']",
      false,
      2,
      [['url', 'http://x/', true]],
    ],
    [
      "[domain-name:value = 'a.example'] REPEATS 5 TIMES WITHIN 60 SECONDS",
      false,
      1,
      [['domain', 'a.example', false]],
    ],
    [
      "[mutex:name = 'm'] FOLLOWEDBY [file:name = 'x.exe']",
      false,
      2,
      [
        ['mutex', 'm', false],
        ['file-name', 'x.exe', false],
      ],
    ],
    ["[file:name = 'invoice.exe']", true, 1, [['file-name', 'invoice.exe', true]]],
    [
      "[cryptocurrency-wallet:value = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2']",
      true,
      1,
      [['bitcoin-address', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', true]],
    ],
    [
      "[x-cryptocurrency-wallet:value = '0x52908400098527886E0F7030069857D2E4169EE7']",
      true,
      1,
      [['ethereum-address', '0x52908400098527886E0F7030069857D2E4169EE7', true]],
    ],
    [
      "[ipv4-addr:value = '1.1.1.1'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'",
      false,
      1,
      [['ip', '1.1.1.1', false]],
    ],
    ["[domain-name:value != 'a.example']", false, 1, []],
    ["[domain-name:value NOT = 'a.example']", false, 1, []],
    ["[domain-name:value LIKE '%.example']", false, 1, []],
    ["[domain-name:value MATCHES '^a']", false, 1, []],
    ["[ipv4-addr:value ISSUBSET '10.0.0.0/8']", false, 1, []],
    ["[file:hashes.MD5 IN ('a', 'b')]", false, 1, []],
    ['[NOT EXISTS file:name]', false, 1, []],
    ["[email-message:to_refs[*].value = 'a@b.c']", false, 1, []],
    [
      "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'x' AND network-traffic:dst_port > 1024]",
      false,
      2,
      [],
    ],
    ["[file:size = 1024 OR file:name = h'6576696c']", false, 2, []],
  ] as const)('%s', (pattern, simple, comparisons, observables) => {
    expect(obs(pattern)).toEqual({ simple, comparisons, observables })
  })

  it('answers the same on the fast path and the full parser', () => {
    // Extra spaces and parentheses force the general parser; the simple form takes the regex path.
    for (const [fast, slow] of [
      ["[ipv4-addr:value = '198.51.100.1']", "([ipv4-addr:value = '198.51.100.1'])"],
      ["[file:hashes.'SHA-256' = 'ab\\'c']", "[(file:hashes.'SHA-256' = 'ab\\'c')]"],
      ["[url:value = 'http://x/\\\\y']", "[(url:value = 'http://x/\\\\y')]"],
    ] as const) {
      expect(parseStixPattern(fast)).toEqual(parseStixPattern(slow))
    }
  })

  it.each([
    ["[ipv4-addr:value = '1.2.3.4'", "expected ']' at position 29"],
    ["[ipv4-addr:value = 'unterminated]", 'unterminated string literal at position 20'],
    ["ipv4-addr:value = '1.2.3.4'", "expected '[' or '(' at position 1"],
    ["[ipv4-addr:value ~ '1']", "unexpected character '~' at position 18"],
    ["[ipv4-addr:value = '1'] WITHIN x SECONDS", 'expected a number at position 32'],
    ["[ipv4-addr:value = '1'] garbage", 'unexpected text after the pattern at position 25'],
    [`${'('.repeat(100)}[a:b = 'c']${')'.repeat(100)}`, 'nesting deeper than 64'],
  ])('rejects %s', (pattern, message) => {
    expect(() => parseStixPattern(pattern)).toThrow(message)
  })
})

describe('hostile type names', () => {
  it('never resolves prototype keys (constructor, __proto__) as mapped types', async () => {
    const text = JSON.stringify({
      type: 'bundle',
      id: 'bundle--1',
      objects: [
        { type: 'constructor', id: 'constructor--1', value: 'x' },
        { type: 'file', id: 'file--1', hashes: { constructor: 'x', toString: 'y' } },
        {
          type: 'indicator',
          id: 'indicator--1',
          pattern: "[toString:value = 'x']",
          object_marking_refs: ['__proto__'],
        },
      ],
    })
    const o = await parseAll(parsers['stix-bundle'], bytesOf(text))
    expect(o.records).toEqual([])
    expect(o.objects.map((x) => x.type)).toEqual(['constructor', 'file', 'indicator'])
    const tf = await parseAll(
      parsers['threatfox-csv'],
      bytesOf('# "ioc_value","ioc_type"\n"a.example", "constructor"\n'),
    )
    expect(tf.records).toEqual([expect.objectContaining({ value: 'a.example' })])
    expect(tf.records[0]?.type).toBeUndefined()
  })
})
