import { describe, expect, it } from 'vitest'
import {
  MAX_ISSUES_PER_FILE,
  parseWarninglist,
  parseWarninglistText,
} from '#core/warninglists/warninglist-format'

const valid = {
  name: 'List of RFC 1918 CIDR blocks',
  description: 'private ranges',
  version: 3,
  type: 'cidr',
  list: ['10.0.0.0/8', '192.168.0.0/16'],
}

describe('parseWarninglist: the MISP format', () => {
  it('reads a valid list and defaults category and matching attributes', () => {
    const r = parseWarninglist('rfc1918.json', valid)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.list).toMatchObject({
      file: 'rfc1918.json',
      name: 'List of RFC 1918 CIDR blocks',
      version: 3,
      type: 'cidr',
      category: 'false_positive',
      matchingAttributes: null,
      entries: ['10.0.0.0/8', '192.168.0.0/16'],
    })
    expect(r.list.appliesTo).toContain('url')
    expect(r.issues).toEqual([])
  })

  it('names the file and every wrong field of a refused header', () => {
    const r = parseWarninglist('bad.json', {
      description: '',
      version: 'one',
      type: 'glob',
      category: 'maybe',
      matching_attributes: 'ip-src',
      list: 'x',
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    const byField = Object.fromEntries(r.errors.map((e) => [e.field, e.message]))
    expect(r.errors.every((e) => e.file === 'bad.json')).toBe(true)
    expect(byField.name).toBe('is missing')
    expect(byField.description).toBe('must be a non-empty string')
    expect(byField.version).toBe('must be a non-negative integer')
    expect(byField.type).toContain('"glob" is not one of cidr, hostname, string, substring, regex')
    expect(byField.category).toContain('"maybe"')
    expect(byField.matching_attributes).toContain('must be an array')
    expect(byField.list).toBe('must be an array of strings')
  })

  it('refuses a missing list and a file that is not an object or not JSON', () => {
    const { list: _omit, ...noList } = valid
    const r = parseWarninglist('a.json', noList)
    expect(r.ok ? [] : r.errors).toEqual([{ file: 'a.json', field: 'list', message: 'is missing' }])
    const arr = parseWarninglist('b.json', [valid])
    expect(arr.ok ? [] : arr.errors).toEqual([
      { file: 'b.json', field: '(file)', message: 'is not a JSON object' },
    ])
    const text = parseWarninglistText('c.json', '{"name": ')
    expect(text.ok).toBe(false)
    if (!text.ok) {
      expect(text.errors[0]?.file).toBe('c.json')
      expect(text.errors[0]?.message).toMatch(/^is not valid JSON/)
    }
  })

  it('accepts a version written as a string of digits, as some exports do', () => {
    const r = parseWarninglist('v.json', { ...valid, version: '20240101' })
    expect(r.ok && r.list.version).toBe(20240101)
  })

  it('drops bad entries by index and keeps the good ones', () => {
    const r = parseWarninglist('mixed.json', {
      ...valid,
      list: ['10.0.0.0/8', 42, '', '300.1.1.1/8', '10.0.0.0/33', 'x'.repeat(2000), '172.16.0.0/12'],
    })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.list.entries).toEqual(['10.0.0.0/8', '172.16.0.0/12'])
    expect(r.issues.map((i) => i.field)).toEqual([
      'list[1]',
      'list[2]',
      'list[3]',
      'list[4]',
      'list[5]',
    ])
    expect(r.issues[0]?.message).toBe('is not a string')
    expect(r.issues[2]?.message).toContain('"300.1.1.1/8" is not a valid cidr entry')
    expect(r.issues[3]?.message).toContain('out of range')
    expect(r.issues[4]?.message).toContain('more than 1024')
  })

  it('normalises entries to canonical forms and removes duplicates after normalising', () => {
    const cidr = parseWarninglist('c.json', {
      ...valid,
      list: [
        '10.1.2.3/8',
        '10.0.0.0/8',
        '2001:0DB8:0000::/32',
        '8.8.8.8',
        '2001:4860:4860:0:0:0:0:8888',
      ],
    })
    expect(cidr.ok && cidr.list.entries).toEqual([
      '10.0.0.0/8',
      '2001:db8::/32',
      '8.8.8.8/32',
      '2001:4860:4860::8888/128',
    ])
    const host = parseWarninglist('h.json', {
      ...valid,
      type: 'hostname',
      list: ['Example.COM.', '*.example.com', '.bücher.de', 'localhost', '10.0.0.1', 'bad_host!'],
    })
    expect(host.ok && host.list.entries).toEqual(['example.com', 'xn--bcher-kva.de', 'localhost'])
    expect(host.ok && host.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('addresses belong in a cidr list'),
      expect.stringContaining("character '!' is not allowed"),
    ])
    const str = parseWarninglist('s.json', {
      ...valid,
      type: 'string',
      list: ['D41D8CD98F00B204E9800998ECF8427E', 'HKLM\\Software\\X', 'free text'],
    })
    expect(str.ok && str.list.entries).toEqual([
      'd41d8cd98f00b204e9800998ecf8427e',
      'hkey_local_machine\\software\\x',
      'free text',
    ])
  })

  it('refuses substring entries too short to mean anything', () => {
    const r = parseWarninglist('sub.json', {
      ...valid,
      type: 'substring',
      list: ['.x', 'amazonaws'],
    })
    expect(r.ok && r.list.entries).toEqual(['amazonaws'])
    expect(r.ok && r.issues[0]?.message).toContain('shorter than 3 characters')
  })

  it('refuses unsafe and malformed regexes per entry, with the reason', () => {
    const r = parseWarninglist('re.json', {
      ...valid,
      type: 'regex',
      list: ['/^.*\\.example\\.com$/i', '/(a+)+$/', '^no-delimiters$', '/x/g', '/(/'],
    })
    expect(r.ok && r.list.entries).toEqual(['/^.*\\.example\\.com$/i'])
    const messages = r.ok ? r.issues.map((i) => `${i.field}: ${i.message}`) : []
    expect(messages[0]).toMatch(/^list\[1\]: .*nested quantifiers/)
    expect(messages[1]).toMatch(
      /^list\[2\]: .*no closing delimiter '\^' \(MISP writes regexes as \/pattern\/flags\)/,
    )
    expect(messages[2]).toMatch(/^list\[3\]: .*flag 'g' is not supported/)
    expect(messages[3]).toMatch(/^list\[4\]: /)
  })

  it('maps matching_attributes to indicator types', () => {
    const r = parseWarninglist('m.json', {
      ...valid,
      type: 'string',
      matching_attributes: ['md5', 'filename|sha256', 'AS'],
    })
    expect(r.ok && r.list.appliesTo).toEqual(['md5', 'sha256'])
  })

  it('caps the issues kept for one file and counts the rest', () => {
    const list = Array.from({ length: MAX_ISSUES_PER_FILE + 50 }, () => 7)
    const r = parseWarninglist('many.json', { ...valid, list })
    expect(r.ok && r.issues.length).toBe(MAX_ISSUES_PER_FILE)
    expect(r.ok && r.droppedIssues).toBe(50)
  })
})
