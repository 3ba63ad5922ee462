import { describe, expect, it } from 'vitest'
import { type ExtractIndicatorsOptions, extractIndicators } from '#core/extract/extract-indicators'
import { listCandidate, pickMode } from '#shared/domain/extract'

const run = (text: string, opts?: ExtractIndicatorsOptions) =>
  [...extractIndicators(text, opts)].map(({ line, raw, result }) =>
    result.ok
      ? { line, raw, type: result.type, value: result.value }
      : { line, raw, reason: result.reason },
  )

describe('listCandidate', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['  evil.com  ', 'evil.com'],
    ['- evil.com', 'evil.com'],
    ['* evil.com', 'evil.com'],
    ['• evil.com', 'evil.com'],
    ['12. evil.com', 'evil.com'],
    ['3) evil.com', 'evil.com'],
    ['-evil.com', '-evil.com'],
    ['evil.com # c2 server', 'evil.com'],
    ['1.10.16.0/20 ; SBL256894', '1.10.16.0/20'],
    ['evil.com // seen twice', 'evil.com'],
    ['1.2.3.4,botnet c2', '1.2.3.4'],
    ['"1.2.3.4","comment"', '1.2.3.4'],
    ["'evil.com'", 'evil.com'],
    ['evil.com\tmalware\t2024-01-01', 'evil.com'],
    ['0.0.0.0 evil.com', 'evil.com'],
    ['127.0.0.1\tads.evil.com', 'ads.evil.com'],
    ['0.0.0.0', '0.0.0.0'],
    ['http://evil.com/a,b', 'http://evil.com/a,b'],
    ['http://evil.com/a#frag', 'http://evil.com/a#frag'],
    ['http://evil.com/a, phishing', 'http://evil.com/a'],
    [
      'HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion',
      'HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion',
    ],
  ])('%j → %j', (line, expected) => {
    expect(listCandidate(line)).toBe(expected)
  })

  it.each(['', '   ', '# comment', '#1.2.3.4', '// comment', '; comment', '- # bullet comment'])(
    '%j is not a value',
    (line) => {
      expect(listCandidate(line)).toBeNull()
    },
  )

  it('takes whole lines for types whose values hold spaces and commas', () => {
    expect(listCandidate('Global\\My Mutex, v2', 'mutex')).toBe('Global\\My Mutex, v2')
    expect(listCandidate('some custom value', 'custom')).toBe('some custom value')
    expect(listCandidate('evil.com/a,b', 'url')).toBe('evil.com/a,b')
  })
})

describe('extractIndicators: list mode', () => {
  it('yields every value line with its 1-based line number, rejects included', () => {
    const text = [
      '# feed header',
      '1.2.3.4',
      '',
      '- EVIL[.]com # c2',
      '999.1.1.1',
      '// another comment',
      'hxxp://evil.com:80/x',
      'not a thing',
      'd41d8cd98f00b204e9800998ecf8427e,dropper',
    ].join('\n')
    expect(run(text, { mode: 'list' })).toEqual([
      { line: 2, raw: '1.2.3.4', type: 'ip', value: '1.2.3.4' },
      { line: 4, raw: 'EVIL[.]com', type: 'domain', value: 'evil.com' },
      {
        line: 5,
        raw: '999.1.1.1',
        reason: "'999.1.1.1' is not a valid IPv4 address: octet 999 > 255",
      },
      { line: 7, raw: 'hxxp://evil.com:80/x', type: 'url', value: 'http://evil.com/x' },
      { line: 8, raw: 'not', reason: "could not tell the type of 'not'" },
      {
        line: 9,
        raw: 'd41d8cd98f00b204e9800998ecf8427e',
        type: 'md5',
        value: 'd41d8cd98f00b204e9800998ecf8427e',
      },
    ])
  })

  it('counts CRLF, LF and lone CR line endings alike', () => {
    const out = run('1.1.1.1\r\n2.2.2.2\n\r\n3.3.3.3\r4.4.4.4', { mode: 'list' })
    expect(out.map((o) => [o.line, o.raw])).toEqual([
      [1, '1.1.1.1'],
      [2, '2.2.2.2'],
      [4, '3.3.3.3'],
      [5, '4.4.4.4'],
    ])
  })

  it('forces a type when given one (and then assumes http:// for URLs)', () => {
    expect(run('evil.com/a\n1.2.3.4', { mode: 'list', type: 'url' })).toEqual([
      { line: 1, raw: 'evil.com/a', type: 'url', value: 'http://evil.com/a' },
      { line: 2, raw: '1.2.3.4', type: 'url', value: 'http://1.2.3.4' },
    ])
    expect(run('1.2.3.4\nevil.com', { mode: 'list', type: 'ip' })[1]).toMatchObject({
      line: 2,
      reason: expect.stringContaining('is not a valid IPv4 address'),
    })
  })

  it('keeps file-extension TLDs as domains in list mode; other extensions are file names', () => {
    expect(run('invoice.zip\nsetup.exe', { mode: 'list' })).toEqual([
      { line: 1, raw: 'invoice.zip', type: 'domain', value: 'invoice.zip' },
      { line: 2, raw: 'setup.exe', type: 'file-name', value: 'setup.exe' },
    ])
  })

  it('handles a million lines', () => {
    const text = Array.from(
      { length: 1_000_000 },
      (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    ).join('\n')
    let count = 0
    let last = 0
    for (const e of extractIndicators(text)) {
      if (e.result.ok) count++
      last = e.line
    }
    expect(count).toBe(1_000_000)
    expect(last).toBe(1_000_000)
  })
})

describe('extractIndicators: text mode', () => {
  const report = [
    'APT-X Report (TLP:CLEAR)',
    '',
    'The actor staged payloads at hxxp://evil[.]com/payload.exe and called back to 203.0.113.7:443.',
    'Version 1.2.3 of the tool was found in report.pdf and setup.exe, e.g. on Node.js hosts.',
    'It exploited CVE-2021-44228 (T1190) and used T1059.001; contact: admin@evil[.]org.',
    'SHA256: E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 dropped to "HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon".',
    'Infrastructure: 198.51.100.0/24, 2001:db8::dead:beef and bad-domain.net, again 203.0.113.7.',
    'Markdown [link](https://phish.example/login?next=/a(b)) and (https://wiki.example/A_(b)).',
    'The time was 12:30:45 and std::vector was used; the dot is here.',
  ].join('\n')

  it('finds each indicator once, on the line it first appears, and skips prose lookalikes', () => {
    expect(run(report, { mode: 'text' })).toEqual([
      {
        line: 3,
        raw: 'hxxp://evil[.]com/payload.exe',
        type: 'url',
        value: 'http://evil.com/payload.exe',
      },
      { line: 3, raw: '203.0.113.7', type: 'ip', value: '203.0.113.7' },
      // File names are indicators now; version 1.2.3, "e.g." and Node.js still are not.
      { line: 4, raw: 'report.pdf', type: 'file-name', value: 'report.pdf' },
      { line: 4, raw: 'setup.exe', type: 'file-name', value: 'setup.exe' },
      { line: 5, raw: 'CVE-2021-44228', type: 'cve', value: 'CVE-2021-44228' },
      { line: 5, raw: 'T1190', type: 'attack-technique', value: 'T1190' },
      { line: 5, raw: 'T1059.001', type: 'attack-technique', value: 'T1059.001' },
      { line: 5, raw: 'admin@evil[.]org', type: 'email', value: 'admin@evil.org' },
      {
        line: 6,
        raw: 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
        type: 'sha256',
        value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
      {
        line: 6,
        raw: 'HKLM\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon',
        type: 'registry-key',
        value: 'HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Winlogon',
      },
      { line: 7, raw: '198.51.100.0/24', type: 'cidr', value: '198.51.100.0/24' },
      { line: 7, raw: '2001:db8::dead:beef', type: 'ipv6', value: '2001:db8::dead:beef' },
      { line: 7, raw: 'bad-domain.net', type: 'domain', value: 'bad-domain.net' },
      {
        line: 8,
        raw: 'https://phish.example/login?next=/a(b)',
        type: 'url',
        value: 'https://phish.example/login?next=/a(b)',
      },
      {
        line: 8,
        raw: 'https://wiki.example/A_(b)',
        type: 'url',
        value: 'https://wiki.example/A_(b)',
      },
    ])
  })

  it('keeps only the requested type', () => {
    expect(run(report, { mode: 'text', type: 'cve' })).toEqual([
      { line: 5, raw: 'CVE-2021-44228', type: 'cve', value: 'CVE-2021-44228' },
    ])
  })

  it('finds IDN and defanged domains in prose', () => {
    expect(run('Visit пример.рф or evil[.]example now.', { mode: 'text' })).toEqual([
      { line: 1, raw: 'пример.рф', type: 'domain', value: 'xn--e1afmkfd.xn--p1ai' },
      { line: 1, raw: 'evil[.]example', type: 'domain', value: 'evil.example' },
    ])
  })

  it('scans a 100 KB garbage line and finds nothing', () => {
    const line = Array.from({ length: 100_000 }, (_, i) =>
      '.:[(a1-/@\\%x'.charAt((i * 7) % 13),
    ).join('')
    expect(run(line, { mode: 'text' })).toEqual([])
    expect(run(`${'a.'.repeat(50_000)}`, { mode: 'text' })).toEqual([])
  })
})

describe('pickMode', () => {
  it.each([
    ['1.2.3.4\nevil.com\n# c\nhttp://x.com/a b', 'list'],
    ['evil.com # c2\n1.2.3.4 ; blocked\n0.0.0.0 ads.example', 'list'],
    ['1.2.3.4,comment with words\nevil.com,more words here', 'list'],
    ['The actor used evil.com for staging.\nThen it moved to 1.2.3.4 later on.', 'text'],
    ['', 'list'],
  ])('%j → %s', (text, mode) => {
    expect(pickMode(text)).toBe(mode)
  })

  it('auto mode on prose scans it as text', () => {
    expect(run('We saw the actor use evil[.]com for staging this week.')).toEqual([
      { line: 1, raw: 'evil[.]com', type: 'domain', value: 'evil.com' },
    ])
  })
})
