import { describe, expect, it } from 'vitest'
import { detectFormat } from '#core/feeds/formats/index'
import { bytesOf, fixture } from './support'

describe('detectFormat', () => {
  it.each([
    ['urlhaus-recent.csv', 'urlhaus-csv'],
    ['urlhaus-asn.csv', 'urlhaus-csv'],
    ['threatfox-recent.csv', 'threatfox-csv'],
    ['threatfox-old14.csv', 'threatfox-csv'],
    ['threatfox-recent.json', 'threatfox-json'],
    ['feodo-ipblocklist.csv', 'feodo-csv'],
    ['feodo-ipblocklist.json', 'feodo-json'],
    ['phishtank-online-valid.csv', 'phishtank-csv'],
    ['phishtank-online-valid.json', 'phishtank-json'],
    ['spamhaus-drop.txt', 'spamhaus-drop'],
    ['spamhaus-dropv6.txt', 'spamhaus-drop'],
    ['spamhaus-drop_v4.json', 'spamhaus-drop'],
    ['misp-event.json', 'misp-event'],
    ['stix-bundle.json', 'stix-bundle'],
    ['text-list.txt', 'text'],
    ['text-report.txt', 'text'],
  ])('recognises the fixture %s as %s', (name, format) => {
    expect(detectFormat(fixture(name), name)).toEqual({ format })
  })

  it.each([
    [
      'BOM + whitespace before a bundle',
      '\uFEFF \r\n\t{"type": "bundle", "id": "bundle--1", "objects": []}',
      undefined,
      { format: 'stix-bundle' },
    ],
    [
      'a bare array of STIX objects',
      '[{"type":"indicator","id":"indicator--1","pattern":"[x:y = \'z\']"}]',
      undefined,
      { format: 'stix-bundle' },
    ],
    [
      'a TAXII envelope',
      '{"more": true, "next": "abc", "objects": [{"type": "ipv4-addr", "id": "ipv4-addr--1"}]}',
      undefined,
      { format: 'stix-bundle' },
    ],
    [
      'a restSearch response',
      '{"response": [{"Event": {"uuid": "x"}}]}',
      undefined,
      { format: 'misp-event' },
    ],
    [
      'a bare MISP event',
      '{"uuid": "x", "info": "i", "Attribute": []}',
      undefined,
      { format: 'misp-event' },
    ],
    [
      'a MISP feed manifest',
      '{"5e2a1c3b-0000-4000-8000-000000000001": {"info": "x", "Orgc": {"name": "CIRCL"}, "timestamp": "1714500000"}}',
      'manifest.json',
      { format: 'misp-feed' },
    ],
    [
      'a headerless URLhaus dump',
      '"1","2024-01-01 00:00:00","http://a.example/","online"\n',
      undefined,
      { format: 'urlhaus-csv' },
    ],
    [
      'a DROP list without banner',
      '1.10.16.0/20 ; SBL256894\n1.19.0.0/16 ; SBL434604\n',
      undefined,
      { format: 'spamhaus-drop' },
    ],
    ['a URL list', 'https://a.example/\nhttp://b.example/x\n', 'urls.txt', { format: 'text' }],
    [
      'a URL list named like the OpenPhish feed',
      'https://a.example/\n',
      'openphish-feed.txt',
      { format: 'openphish-txt' },
    ],
    [
      'a CSV whose header names the indicator column',
      'ioc,kind,note\n1.2.3.4,ip,x\nevil.example,domain,y\n',
      'mine.csv',
      { format: 'generic-csv' },
    ],
    [
      // The same bytes from a URL without a file name: recognised by content, not by name.
      'a CSV with an indicator column, nameless',
      'Indicator;Type;Tags\n1.2.3.4;ip;c2\n',
      undefined,
      { format: 'generic-csv' },
    ],
    [
      'a CSV whose columns name no indicator',
      'host,kind,note\n1.2.3.4,ip,x\nevil.example,domain,y\n',
      'mine.csv',
      { ambiguous: ['generic-csv', 'text'] },
    ],
    ['a semicolon CSV', 'a;b\n1;2\n3;4\n', undefined, { ambiguous: ['generic-csv', 'text'] }],
    ['an unknown JSON file', '{"hello": "world"}', 'x.json', { unknown: true }],
    [
      'a zip',
      'PK\u0003\u0004rest',
      'dump.zip',
      { unknown: true, looksLike: 'binary data (ZIP archive)' },
    ],
    [
      'binary with NUL bytes',
      'abc\u0000def',
      undefined,
      { unknown: true, looksLike: 'binary data' },
    ],
    [
      'an HTML page',
      '<!DOCTYPE html>\n<html><head><title>Threat report</title></head><body><a href="http://evil.example/">x</a></body></html>',
      'report.txt',
      { unknown: true, looksLike: 'an HTML page titled "Threat report"' },
    ],
    [
      'an XML document',
      '<?xml version="1.0"?>\n<iocs><ioc value="evil.example"/></iocs>',
      'iocs.xml',
      { unknown: true, looksLike: 'XML' },
    ],
    [
      'XML without a prolog',
      '<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1"></stix:STIX_Package>',
      undefined,
      { unknown: true, looksLike: 'XML' },
    ],
    ['nothing but whitespace', '  \n\n ', undefined, { unknown: true }],
    [
      'prose',
      'The actor used evil.example and 1.2.3.4 last week.\n',
      undefined,
      { format: 'text' },
    ],
  ] as const)('%s', (_label, text, fileName, expected) => {
    expect(detectFormat(bytesOf(text), fileName)).toEqual(expected)
  })

  it('detects gzip magic as unknown (decompress first)', () => {
    expect(detectFormat(new Uint8Array([0x1f, 0x8b, 8, 0, 0]))).toEqual({
      unknown: true,
      looksLike: 'binary data (gzip archive)',
    })
  })

  it('says a PNG image is one', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
    expect(detectFormat(png, 'logo.png')).toEqual({
      unknown: true,
      looksLike: 'binary data (PNG image)',
    })
  })
})
