import { describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract/errors'
import { parsers } from '#core/feeds/formats/index'
import { bytesOf, fixture, parseAll, summary, matching, containing } from './support'

const LONG_URL = `http://long.example/${'a'.repeat(5100)}`

describe('openphish-txt', () => {
  it('reads one URL per line through BOM, CRLF, blank lines, IDN and a 5,100-character URL', async () => {
    const bytes = fixture('openphish-feed.txt')
    const o = await parseAll(parsers['openphish-txt'], bytes, 7)
    expect(o.records).toEqual([
      {
        line: 1,
        value: 'https://login.example-bank.com/secure/',
        type: 'url',
        threatType: 'phishing',
        classification: 'malicious',
      },
      {
        line: 2,
        value: 'http://bücher.example/paypal/login.php',
        type: 'url',
        threatType: 'phishing',
        classification: 'malicious',
      },
      {
        line: 4,
        value: 'https://login.example-bank.com/secure/',
        type: 'url',
        threatType: 'phishing',
        classification: 'malicious',
      },
      {
        line: 5,
        value: 'https://xn--bcher-kva.example/a',
        type: 'url',
        threatType: 'phishing',
        classification: 'malicious',
      },
      {
        line: 6,
        value: 'hxxp://defanged[.]example/x',
        type: 'url',
        threatType: 'phishing',
        classification: 'malicious',
      },
      {
        line: 7,
        value: LONG_URL,
        type: 'url',
        threatType: 'phishing',
        classification: 'malicious',
      },
    ])
    expect(o.rejects).toEqual([])
    expect(o.stats).toEqual({ filtered: 0, skipped: 1 })
    expect(summary(await parseAll(parsers['openphish-txt'], bytes, 1))).toEqual(summary(o))
  })

  it('rejects a line over the default 64 KB cap with its number and reads on', async () => {
    const text = `http://a.example/\n${'x'.repeat(70_000)}\nhttp://b.example/\n`
    const o = await parseAll(parsers['openphish-txt'], bytesOf(text), 4096)
    expect(o.records.map((r) => [r.line, r.value])).toEqual([
      [1, 'http://a.example/'],
      [3, 'http://b.example/'],
    ])
    expect(o.rejects).toEqual([
      {
        line: 2,
        value: matching(/^x{80}…$/),
        reason: 'line is longer than 65536 characters',
      },
    ])
  })
})

describe('phishtank', () => {
  it('keeps verified+online CSV rows; the others are counted as filtered, not rejected', async () => {
    const o = await parseAll(parsers['phishtank-csv'], fixture('phishtank-online-valid.csv'), 7)
    expect(o.records).toEqual([
      {
        line: 2,
        value: 'https://paypal.example-login.com/',
        type: 'url',
        threatType: 'phishing',
        classification: 'malicious',
        firstSeen: '2023-02-09T06:00:00.000Z',
        // verification_time: the source's last look at the live phish
        lastSeen: '2023-02-09T06:10:00.000Z',
        reference: 'http://www.phishtank.com/phish_detail.php?phish_id=8000001',
        tags: ['PayPal'],
        raw: {
          phish_id: '8000001',
          verification_time: '2023-02-09T06:10:00+00:00',
          target: 'PayPal',
        },
      },
      containing({ line: 3, value: 'https://x.example/a,b' }),
      containing({
        line: 6,
        value: 'https://quote.example/"q"',
        firstSeen: '2023-02-09T06:00:00.000Z', // +02:00 converted to UTC
        tags: ['Bank of "Example", Inc.'],
      }),
    ])
    expect(o.records[1]?.tags).toBeUndefined() // target "Other" is not a tag
    expect(o.rejects).toEqual([
      { line: 7, value: '8000006,https://short.example/', reason: 'expected 8 fields, got 2' },
    ])
    expect(o.stats).toEqual({ filtered: 2, skipped: 0 })
  })

  it('reads the JSON array with details[] into raw', async () => {
    const o = await parseAll(parsers['phishtank-json'], fixture('phishtank-online-valid.json'), 1)
    expect(o.records).toHaveLength(1)
    expect(o.records[0]?.raw).toEqual({
      details: [
        {
          ip_address: '192.0.2.10',
          cidr_block: '192.0.2.0/24',
          announcing_network: '64500',
          rir: 'arin',
          country: 'US',
          detail_time: '2023-02-09T06:10:00+00:00',
        },
      ],
      phish_id: '8000001',
      verification_time: '2023-02-09T06:10:00+00:00',
      target: 'PayPal',
    })
    expect(o.rejects).toEqual([{ line: 3, value: '8000007', reason: 'the url field is empty' }])
    expect(o.stats.filtered).toBe(1)
  })
})

describe('spamhaus-drop', () => {
  it('reads the DROP text list with ; comments', async () => {
    const o = await parseAll(parsers['spamhaus-drop'], fixture('spamhaus-drop.txt'), 7)
    expect(o.records.map((r) => [r.line, r.type, r.value, r.reference])).toEqual([
      [5, 'cidr', '1.10.16.0/20', 'https://check.spamhaus.org/sbl/query/SBL256894'],
      [6, 'cidr', '1.19.0.0/16', 'https://check.spamhaus.org/sbl/query/SBL434604'],
      [7, 'cidr', '2.56.192.0/22', 'https://check.spamhaus.org/sbl/query/SBL459831'],
    ])
    expect(o.records[0]?.raw).toEqual({ sblid: 'SBL256894' })
    expect(o.rejects).toEqual([
      {
        line: 8,
        value: 'not a cidr at all ; SBL1',
        reason: 'expected "<network>/<prefix> ; SBL<id>"',
      },
    ])
    expect(o.stats.skipped).toBe(4)
  })

  it('reads DROPv6 with CRLF', async () => {
    const o = await parseAll(parsers['spamhaus-drop'], fixture('spamhaus-dropv6.txt'), 1)
    expect(o.records.map((r) => [r.line, r.value, r.raw])).toEqual([
      [2, '2001:678:738::/48', { sblid: 'SBL635837' }],
      [3, '2a06:e480::/29', { sblid: 'SBL301771' }],
    ])
  })

  it('reads the JSON-lines variant, skipping the metadata line', async () => {
    const o = await parseAll(parsers['spamhaus-drop'], fixture('spamhaus-drop_v4.json'), 7)
    expect(o.records.map((r) => [r.line, r.value, r.raw])).toEqual([
      [1, '1.10.16.0/20', { sblid: 'SBL256894', rir: 'apnic' }],
      [2, '1.19.0.0/16', { sblid: 'SBL434604', rir: 'apnic' }],
      [3, '2.56.192.0/22', { sblid: 'SBL459831', rir: 'ripencc' }],
    ])
    expect(o.rejects.map((r) => [r.line, r.reason])).toEqual([
      [4, matching(/^not valid JSON/)],
      [5, 'no cidr field'],
    ])
    expect(o.stats.skipped).toBe(1)
  })
})

describe('generic-csv', () => {
  const mapping = {
    delimiter: ';',
    valueColumn: 'indicator',
    typeColumn: 'kind',
    tagsColumn: 'labels',
    firstSeenColumn: 'first',
    lastSeenColumn: 'last',
    descriptionColumn: 'notes',
    commentPrefix: '//',
  }

  it('maps columns by header name', async () => {
    const o = await parseAll(parsers['generic-csv'], fixture('generic.csv'), 7, mapping)
    expect(o.records).toEqual([
      {
        line: 3,
        value: '198.51.100.1',
        type: 'ip',
        tags: ['c2', 'botnet'],
        firstSeen: '2024-01-01T00:00:00.000Z',
        lastSeen: '2024-01-02T00:00:00.000Z',
        description: 'Seen in <b>logs</b>; twice',
      },
      { line: 4, value: 'evil.example', type: 'domain', firstSeen: '2024-01-03T00:00:00.000Z' },
      {
        line: 7,
        value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        type: 'sha256',
      },
    ])
    expect(o.rejects).toEqual([
      { line: 5, value: ';domain;;;;', reason: 'the value column is empty' },
      // A short row would put its values in the wrong fields: refused, with its line.
      { line: 6, value: 'http://x.example/a;url;phishing', reason: 'expected 6 fields, got 3' },
    ])
  })

  it('maps columns by index without a header, and leaves unknown types to the engine', async () => {
    const o = await parseAll(parsers['generic-csv'], bytesOf('x,evil.example\ny,1.2.3.4\nz\n'), 3, {
      valueColumn: 1,
      typeColumn: 0,
    })
    expect(o.records).toEqual([
      { line: 1, value: 'evil.example' },
      { line: 2, value: '1.2.3.4' },
    ])
    expect(o.rejects).toEqual([{ line: 3, value: 'z', reason: 'the row has no column 2' }])
  })

  it('fails the run with the option named when the mapping does not fit the file', async () => {
    const run = (options: Record<string, unknown>) =>
      parseAll(parsers['generic-csv'], fixture('generic.csv'), 64, options)
    const error = await run({ ...mapping, valueColumn: 'nope' }).catch((e: unknown) => e)
    expect(isAppError(error) && error.code === 'invalid_input').toBe(true)
    expect(String(error)).toMatch(
      /options\.valueColumn: no column 'nope' in the header \(indicator, kind/,
    )
    await expect(run({ valueColumn: -1 })).rejects.toThrow(/options\.valueColumn/)
    await expect(run({ valueColumn: 'x', hasHeader: false })).rejects.toThrow(
      /names a column, but hasHeader is false/,
    )
  })
})

describe('text', () => {
  it('reads a list: comments, defanged values, bullets, inline comments; a bad line is a reject', async () => {
    const bytes = fixture('text-list.txt')
    const o = await parseAll(parsers.text, bytes, 7)
    expect(o.records).toEqual([
      { line: 2, value: '198.51.100.1', type: 'ip' },
      { line: 3, value: 'evil.example', type: 'domain' },
      { line: 4, value: 'https://bad.example/path', type: 'url' },
      { line: 6, value: '203.0.113.5', type: 'ip' },
      { line: 8, value: '2001:db8::1', type: 'ipv6' },
      { line: 9, value: 'd41d8cd98f00b204e9800998ecf8427e', type: 'md5' },
    ])
    expect(o.rejects.map((r) => r.line)).toEqual([5])
    expect(summary(await parseAll(parsers.text, bytes, 1))).toEqual(summary(o))
  })

  it('extracts from prose with global line numbers and refanging', async () => {
    const o = await parseAll(parsers.text, fixture('text-report.txt'), 5)
    expect(o.records).toEqual([
      { line: 3, value: 'http://evil.example/payload.exe', type: 'url' },
      { line: 3, value: '198.51.100.7', type: 'ip' },
      { line: 4, value: 'CVE-2024-3400', type: 'cve' },
      { line: 5, value: 'soc@example.org', type: 'email' },
      {
        line: 5,
        value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        type: 'sha256',
      },
    ])
    expect(o.rejects).toEqual([])
  })

  it('decides the mode once on the first lines, so line numbers stay global past the sample', async () => {
    const lines = Array.from({ length: 450 }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`)
    const o = await parseAll(parsers.text, bytesOf(`${lines.join('\n')}\n`), 1000)
    expect(o.records).toHaveLength(450)
    expect(o.records[449]).toEqual({ line: 450, value: '10.0.1.199', type: 'ip' })
    // Text mode is the extraction engine: a word is a domain in prose only with a real TLD.
    const forced = await parseAll(parsers.text, bytesOf('evil.com and evil.example\n'), 64, {
      mode: 'text',
      type: 'domain',
    })
    expect(forced.records).toEqual([{ line: 1, value: 'evil.com', type: 'domain' }])
    await expect(parseAll(parsers.text, bytesOf('x'), 64, { mode: 'nope' })).rejects.toThrow(
      /options\.mode/,
    )
  })
})
