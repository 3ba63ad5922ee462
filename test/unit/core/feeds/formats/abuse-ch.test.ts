import { describe, expect, it } from 'vitest'
import { parsers } from '#core/feeds/formats/index'
import { fixture, parseAll, summary, bytesOf, matching, anyString } from './support'

const LONG_URL = `http://long.example/${'a'.repeat(5100)}`

describe('urlhaus-csv', () => {
  const bytes = fixture('urlhaus-recent.csv')

  it('is a real nasty fixture: BOM and CRLF are present', () => {
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(new TextDecoder().decode(bytes).split('\r\n').length).toBeGreaterThan(20)
  })

  it('reads the recent dump by its commented header: exact records, rejects and fields', async () => {
    const o = await parseAll(parsers['urlhaus-csv'], bytes)
    expect(o.records.map((r) => r.line)).toEqual([10, 11, 13, 14, 15, 17, 19, 22])
    expect(o.rejects).toEqual([
      {
        line: 16,
        value: '2869866,2024-05-01 09:40:00,http://missing.example/,online',
        reason: 'expected 9 fields, got 4',
      },
      {
        line: 18,
        value:
          '2869864,2024-05-01 09:30:00,,offline,,malware_download,,https://urlhaus.abuse.ch/url/2869864/,r',
        reason: 'the url field is empty',
      },
      {
        line: 21,
        value: matching(/^"2869862","2024-05-01 09:10:00","http:\/\/junk\.example\/x"oops,/),
        reason: 'unexpected text after the closing quote of field 3',
      },
    ])
    expect(o.stats).toEqual({ filtered: 0, skipped: 10 })
    expect(o.records[0]).toEqual({
      line: 10,
      value: 'http://115.55.117.42:39958/i',
      type: 'url',
      classification: 'malicious',
      firstSeen: '2024-05-01T10:02:07.000Z',
      lastSeen: '2024-05-01T10:02:07.000Z',
      threatType: 'malware_download',
      tags: ['32-bit', 'elf', 'mips', 'Mozi'],
      reference: 'https://urlhaus.abuse.ch/url/2869870/',
      raw: { id: '2869870', url_status: 'online', reporter: 'geenensp' },
    })
    // Commas inside a quoted URL; HTML in tags stays a plain string.
    expect(o.records[1]?.value).toBe('https://evil.example.com/a,b/c.php?x=1,2')
    expect(o.records[1]?.tags).toEqual(['exe', '<script>alert(1)</script>'])
    expect(o.records[1]?.lastSeen).toBeUndefined()
    expect(o.records[2]?.value).toBe('http://bücher.example/payload.exe')
    expect(o.records[2]?.raw).toEqual({
      id: '2869868',
      url_status: 'online',
      reporter: 'reporter "quoted" name',
    })
    expect(o.records[3]).toEqual({ ...o.records[0], line: 14 }) // the duplicate is passed on; the engine counts it
    expect(o.records[4]?.value).toBe(LONG_URL)
    expect(o.records[5]).toMatchObject({ line: 17, value: 'http://baddate.example/x' })
    expect(o.records[5]?.firstSeen).toBeUndefined()
    expect(o.records[5]?.tags).toBeUndefined()
    expect(o.records[6]?.value).toBe('http://multi.example/line\r\nbreak')
    expect(o.records[7]).toMatchObject({ line: 22, value: 'http://after-junk.example/' })
  })

  it('gives the same result fed 1 byte and 7 bytes at a time', async () => {
    const whole = summary(await parseAll(parsers['urlhaus-csv'], bytes))
    expect(summary(await parseAll(parsers['urlhaus-csv'], bytes, 1))).toEqual(whole)
    expect(summary(await parseAll(parsers['urlhaus-csv'], bytes, 7))).toEqual(whole)
  })

  it('reads the shorter per-ASN feed by header name', async () => {
    const o = await parseAll(parsers['urlhaus-csv'], fixture('urlhaus-asn.csv'), 7)
    expect(o.rejects).toEqual([])
    expect(o.records).toEqual([
      {
        line: 10,
        value: 'http://1.2.3.4/bins/x86',
        type: 'url',
        classification: 'malicious',
        firstSeen: '2024-05-01T08:00:00.000Z',
        threatType: 'malware_download',
        raw: {
          url_status: 'online',
          host: '1.2.3.4',
          ipaddress: '1.2.3.4',
          asnumber: '4134',
          country: 'CN',
        },
      },
      {
        line: 11,
        value: 'http://bad-host.example/a.sh',
        type: 'url',
        classification: 'malicious',
        firstSeen: '2024-05-01T08:05:00.000Z',
        threatType: 'malware_download',
        raw: {
          url_status: 'offline',
          host: 'bad-host.example',
          ipaddress: '5.6.7.8',
          asnumber: '4134',
          country: 'CN',
        },
      },
    ])
  })

  it('falls back to the documented columns when the header is gone, and rejects a line over the cap', async () => {
    const text = `"1","2024-01-01 00:00:00","http://a.example/","online","","malware_download","","https://urlhaus.abuse.ch/url/1/","r"\n"2","2024-01-01 00:00:00","http://${'b'.repeat(300)}/","online","","x","","l","r"\n`
    const o = await parseAll(parsers['urlhaus-csv'], bytesOf(text), 64, { maxLineLength: 200 })
    expect(o.records.map((r) => [r.line, r.value, r.reference])).toEqual([
      [1, 'http://a.example/', 'https://urlhaus.abuse.ch/url/1/'],
    ])
    expect(o.rejects).toEqual([
      { line: 2, value: anyString(), reason: 'line is longer than 200 characters' },
    ])
  })
})

describe('threatfox-csv', () => {
  it('reads the 15-column export: ", " separators, None, ip:port and [IPv6]:port split', async () => {
    const o = await parseAll(parsers['threatfox-csv'], fixture('threatfox-recent.csv'))
    expect(o.records.map((r) => [r.line, r.type, r.value, r.port])).toEqual([
      [10, 'ip', '45.95.147.10', 8080],
      [11, 'ipv6', '2001:db8::1', 443],
      [12, 'domain', 'evil-domain.example', undefined],
      [13, 'url', 'http://evil.example/gate.php?a=1, b=2', undefined],
      [14, 'md5', 'd41d8cd98f00b204e9800998ecf8427e', undefined],
      [15, 'sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', undefined],
      [16, 'sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', undefined],
    ])
    expect(o.rejects).toEqual([
      { line: 17, value: '1267705', reason: 'ioc_value is empty' },
      {
        line: 18,
        value: '2024-05-01 09:15:00,1267704,short.example,domain',
        reason: 'expected 15 fields, got 4',
      },
    ])
    expect(o.records[0]).toEqual({
      line: 10,
      value: '45.95.147.10',
      type: 'ip',
      classification: 'malicious',
      port: 8080,
      firstSeen: '2024-05-01T09:55:11.000Z',
      confidence: 100,
      threatType: 'botnet_cc',
      malware: 'Cobalt Strike',
      tags: ['c2', 'CobaltStrike'],
      reference: 'https://threatfox.abuse.ch/ioc/1267712/',
      raw: {
        ioc_id: '1267712',
        ioc_type: 'ip:port',
        fk_malware: 'win.cobalt_strike',
        malware_alias: 'Agentemis,BEACON,CobaltStrike',
        reference: 'https://twitter.com/x/status/1',
        is_compromised: '0',
        anonymous: '0',
        reporter: 'abuse_ch',
      },
    })
    // "None" is null: no lastSeen, no tags, no malware_alias in raw.
    expect(o.records[1]?.lastSeen).toBe('2024-05-01T09:59:00.000Z')
    expect(o.records[1]?.tags).toBeUndefined()
    expect(o.records[1]?.raw).not.toHaveProperty('malware_alias')
    expect(o.records[2]?.tags).toEqual(['<b>bold</b>', 'emotet'])
  })

  it('reads the older 14-column dump by name (confidence is not at column 10 there)', async () => {
    const o = await parseAll(parsers['threatfox-csv'], fixture('threatfox-old14.csv'), 7)
    expect(o.rejects).toEqual([])
    expect(o.records.map((r) => [r.line, r.value, r.type, r.port, r.confidence, r.tags])).toEqual([
      [10, 'old.example', 'domain', undefined, 75, ['qakbot']],
      [11, '198.51.100.7', 'ip', 443, 60, undefined],
    ])
    expect(o.records[0]?.raw).toMatchObject({ reference: 'https://ref.example/post' })
    expect(o.records[0]?.raw).not.toHaveProperty('is_compromised')
  })

  it('gives the same result fed 1 byte at a time', async () => {
    const bytes = fixture('threatfox-recent.csv')
    expect(summary(await parseAll(parsers['threatfox-csv'], bytes, 1))).toEqual(
      summary(await parseAll(parsers['threatfox-csv'], bytes)),
    )
  })
})

describe('threatfox-json', () => {
  it('streams the object keyed by ioc_id: records, non-objects, nulls and invalid JSON by record number', async () => {
    const o = await parseAll(parsers['threatfox-json'], fixture('threatfox-recent.json'), 7)
    expect(o.records.map((r) => [r.line, r.type, r.value, r.port, r.reference])).toEqual([
      [1, 'ip', '45.95.147.10', 8080, 'https://threatfox.abuse.ch/ioc/1267712/'],
      [2, 'ipv6', '2001:db8::1', 443, 'https://threatfox.abuse.ch/ioc/1267711/'],
      [3, 'domain', 'evil-domain.example', undefined, 'https://threatfox.abuse.ch/ioc/1267710/'],
      [
        4,
        'url',
        'http://evil.example/é"quoted"',
        undefined,
        'https://threatfox.abuse.ch/ioc/1267709/',
      ],
      [7, 'domain', 'a.example', undefined, 'https://threatfox.abuse.ch/ioc/1267706/'],
      [8, 'domain', 'b.example', undefined, 'https://threatfox.abuse.ch/ioc/1267706/'],
    ])
    expect(o.rejects.map((r) => [r.line, r.reason])).toEqual([
      [5, 'record 5 is not a JSON object'],
      [6, 'ioc_value is empty'],
      [9, matching(/^record 9 is not valid JSON/)],
    ])
    expect(o.records[0]).toMatchObject({
      confidence: 100,
      malware: 'Cobalt Strike',
      tags: ['c2', 'CobaltStrike'],
      firstSeen: '2024-05-01T09:55:11.000Z',
      raw: { fk_malware: 'win.cobalt_strike', malware_alias: 'Agentemis,BEACON' },
    })
    expect(o.records[0]?.lastSeen).toBeUndefined()
    expect(o.records[2]).toMatchObject({
      confidence: 50,
      tags: ['<img src=x onerror=alert(1)>', 'emotet'],
    })
  })

  it('refuses a document that is not an object keyed by id', async () => {
    await expect(
      parseAll(parsers['threatfox-json'], bytesOf('[{"ioc_value":"a"}]')),
    ).rejects.toThrow(/expected a JSON object/)
  })
})

describe('feodo', () => {
  it('reads the CSV: uncommented header, IPv6, bad port, empty IP, duplicate', async () => {
    const o = await parseAll(parsers['feodo-csv'], fixture('feodo-ipblocklist.csv'), 7)
    expect(o.records.map((r) => [r.line, r.type, r.value, r.port, r.malware, r.lastSeen])).toEqual([
      [10, 'ip', '51.254.25.115', 443, 'Dridex', '2024-05-01T00:00:00.000Z'],
      [11, 'ipv6', '2001:db8:85a3::8a2e:370:7334', 8080, 'QakBot', '2024-04-30T00:00:00.000Z'],
      [12, 'ip', '198.51.100.23', undefined, 'Pikabot', '2024-05-01T00:00:00.000Z'],
      [14, 'ip', '51.254.25.115', 443, 'Dridex', '2024-05-01T00:00:00.000Z'],
    ])
    expect(o.rejects).toEqual([
      {
        line: 13,
        value: '2024-02-01 00:00:00,,443,online,2024-05-01,Emotet',
        reason: 'dst_ip is empty',
      },
    ])
    expect(o.records[0]).toEqual({
      line: 10,
      value: '51.254.25.115',
      type: 'ip',
      classification: 'malicious',
      threatType: 'botnet_cc',
      port: 443,
      firstSeen: '2021-01-17T07:44:46.000Z',
      lastSeen: '2024-05-01T00:00:00.000Z',
      malware: 'Dridex',
      reference: 'https://feodotracker.abuse.ch/browse/host/51.254.25.115/',
      raw: { c2_status: 'online' },
    })
    expect(o.stats.skipped).toBe(9)
  })

  it('reads the JSON array; hostname with HTML stays a string in raw', async () => {
    const o = await parseAll(parsers['feodo-json'], fixture('feodo-ipblocklist.json'), 1)
    expect(o.records.map((r) => [r.line, r.type, r.value, r.port])).toEqual([
      [1, 'ip', '51.254.25.115', 443],
      [2, 'ipv6', '2001:db8::5', 8080],
    ])
    expect(o.records[0]?.raw).toEqual({
      hostname: '<script>x</script>.example',
      as_number: 16276,
      as_name: 'OVH SAS',
      country: 'FR',
      c2_status: 'online',
    })
    expect(o.rejects).toEqual([
      { line: 3, value: '', reason: 'record 3 has no ip_address' },
      { line: 4, value: '"not an object"', reason: 'record 4 is not a JSON object' },
    ])
  })
})

describe('threatfox-json API answers', () => {
  it('reads the API shape {"query_status","data":[…]} with its field names', async () => {
    const text = JSON.stringify({
      query_status: 'ok',
      data: [
        {
          id: '41',
          ioc: 'gaga.example',
          threat_type: 'botnet_cc',
          ioc_type: 'domain',
          malware: 'win.dridex',
          malware_printable: 'Dridex',
          confidence_level: 50,
          first_seen: '2020-12-08 13:36:27 UTC',
          last_seen: null,
          tags: ['dridex'],
        },
      ],
    })
    const o = await parseAll(parsers['threatfox-json'], bytesOf(text), 9)
    expect(o.records).toEqual([
      {
        line: 1,
        value: 'gaga.example',
        type: 'domain',
        classification: 'malicious',
        firstSeen: '2020-12-08T13:36:27.000Z',
        confidence: 50,
        threatType: 'botnet_cc',
        malware: 'Dridex',
        tags: ['dridex'],
        reference: 'https://threatfox.abuse.ch/ioc/41/',
        raw: { ioc_id: '41', ioc_type: 'domain', fk_malware: 'win.dridex' },
      },
    ])
  })
})
