import { describe, expect, it } from 'vitest'
import { parseAsnV4Csv, parseAsnV6Csv } from '#core/enrichment/local/asn-table'
import { ipv4Number, ipv6Words } from '#core/enrichment/local/ip-numbers'

const v4 = (s: string) => ipv4Number(s) ?? -1
const v6 = (s: string) => {
  const w = ipv6Words(s)
  if (w === null) throw new Error(s)
  return w
}

describe('the ASN table (IPv4 numbers CSV)', () => {
  const csv = [
    '16777216,16777471,13335,"Cloudflare, Inc."',
    '16778240,16779263,38803,Gtelecom Pty Ltd',
    '134744064,134744319,15169,Google LLC',
    '134744320,134744575,15169,Google LLC',
    // Not an aligned block: shown as a range.
    '167772160,167772162,64500,"Quote ""Test"" Org"',
  ].join('\n')
  const t = parseAsnV4Csv(csv, 'asn.csv')

  it('finds the row holding an address, its organisation and its network', () => {
    expect(t.lookupV4(v4('1.0.0.1'))).toMatchObject({
      asn: 13335,
      org: 'Cloudflare, Inc.',
      network: '1.0.0.0/24',
    })
    expect(t.lookupV4(v4('8.8.8.8'))).toMatchObject({ asn: 15169, network: '8.8.8.0/24' })
    expect(t.lookupV4(v4('8.8.9.255'))).toMatchObject({ asn: 15169, network: '8.8.9.0/24' })
    expect(t.lookupV4(v4('1.0.4.0'))).toMatchObject({ asn: 38803, network: '1.0.4.0/22' })
  })

  it('answers null between rows, before the first and after the last', () => {
    expect(t.lookupV4(v4('1.0.1.0'))).toBeNull()
    expect(t.lookupV4(v4('0.0.0.1'))).toBeNull()
    expect(t.lookupV4(v4('255.255.255.255'))).toBeNull()
  })

  it('reads quoted organisations and names an unaligned range "a - b"', () => {
    expect(t.lookupV4(v4('10.0.0.1'))).toMatchObject({
      org: 'Quote "Test" Org',
      network: '10.0.0.0 - 10.0.0.2',
    })
  })

  it('keeps organisations once however many rows share them', () => {
    expect(t.rows).toBe(5)
    expect(t.orgs).toBe(4)
  })

  it('skips bad rows, naming line and field, and keeps every good one; sorts unsorted input', () => {
    const bad = parseAsnV4Csv(
      [
        'start,end,asn,org',
        '134744064,134744319,15169,Google LLC',
        '16777216,16777471,13335,Cloudflare',
        'x,16777471,13335,Cloudflare',
        '16777216,5,13335,Cloudflare',
        '16777300,16777400,1,Overlapping',
        '99999999999,1,1,Too big',
        '1,2',
        '',
      ].join('\r\n'),
      'bad.csv',
    )
    expect(bad.rows).toBe(2)
    expect(bad.lookupV4(v4('1.0.0.9'))).toMatchObject({ asn: 13335 })
    expect(bad.lookupV4(v4('8.8.8.8'))).toMatchObject({ asn: 15169 })
    expect(bad.issues).toEqual([
      { line: 4, message: "start: 'x' is not an IPv4 number" },
      { line: 5, message: 'end: comes before start' },
      { line: 7, message: "start: '99999999999' is not an IPv4 number" },
      { line: 8, message: 'expected 4 fields: start,end,asn,org' },
      { line: 6, message: 'overlaps the range of line 3' },
    ])
  })
})

describe('the ASN table (IPv6 text CSV)', () => {
  const t = parseAsnV6Csv(
    [
      '2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC',
      '2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC',
      '2a00:1450:4000::,2a00:1450:4fff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC',
    ].join('\n'),
    'asn6.csv',
  )

  it('finds rows by four-word comparison and names their CIDR', () => {
    expect(t.lookupV6(v6('2001:4860:4860::8888'))).toMatchObject({
      asn: 15169,
      network: '2001:4860::/32',
    })
    expect(t.lookupV6(v6('2001::1'))).toMatchObject({ asn: 6939, network: '2001::/32' })
    expect(t.lookupV6(v6('2a00:1450:4001:81c::200e'))).toMatchObject({
      network: '2a00:1450:4000::/36',
    })
  })

  it('answers null outside every row', () => {
    expect(t.lookupV6(v6('2001:1::1'))).toBeNull()
    expect(t.lookupV6(v6('2a00:1450:5000::1'))).toBeNull()
    expect(t.lookupV6(v6('::1'))).toBeNull()
  })

  it('names a bad address with its line', () => {
    const bad = parseAsnV6Csv('2001::,nope,1,X\n2001::,2001::1,1,Y\n', 'b.csv')
    expect(bad.rows).toBe(1)
    expect(bad.issues).toEqual([{ line: 1, message: "end: 'nope' is not an IPv6 address" }])
  })
})
