import { describe, expect, it } from 'vitest'
import {
  REGEX_MAX_INPUT,
  analyseRegexSource,
  compileSafeRegex,
  splitDelimited,
} from '#core/warninglists/regex-safety'

const refused = (entry: string): string => {
  const v = compileSafeRegex(entry)
  return v.ok ? '(accepted)' : v.reason
}

describe('MISP regex entries', () => {
  it('reads the PHP delimited form with any delimiter and maps its flags', () => {
    expect(splitDelimited('/^a\\/b$/i')).toEqual({ source: '^a\\/b$', flags: 'i' })
    expect(splitDelimited('#^a/b$#Di')).toEqual({ source: '^a/b$', flags: 'i' })
    expect(splitDelimited('{^a}b}s')).toEqual({ source: '^a}b', flags: 's' })
    expect(splitDelimited('abc')).toEqual({
      reason: 'it must be delimited as MISP writes regexes, like /pattern/i',
    })
    expect(refused('/a/x')).toContain("flag 'x' is not supported")
  })

  it('accepts the shapes real warninglists use', () => {
    for (const entry of [
      '/^.*\\.s3\\.amazonaws\\.com$/i',
      '/^(www\\.)?example\\.(com|net|org)$/',
      '/^[a-z0-9-]+\\.cloudfront\\.net$/',
      '/^(?:.*\\.)?microsoft\\.com$/i',
      '/\\.windowsupdate\\.com$/',
      '/^[0-9a-f]{32}$/',
    ]) {
      expect(refused(entry), entry).toBe('(accepted)')
    }
  })

  it('refuses patterns that backtrack exponentially', () => {
    expect(refused('/(a+)+$/')).toContain('nested quantifiers')
    expect(refused('/^(\\w+\\.)+com$/')).toContain('nested quantifiers')
    expect(refused('/(a|aa)*b/')).toContain('contains an alternation')
    expect(refused('/((a|b)c)+/')).toContain('contains an alternation')
    expect(refused('/(a?){20}a{20}/')).toContain('nested quantifiers')
  })

  it('refuses patterns that backtrack polynomially past the budget', () => {
    expect(refused('/.*a.*b/')).toContain('could backtrack too much')
    expect(refused('/\\d+\\d+\\d+x/')).toContain('could backtrack too much')
    expect(refused('/^a|.*b.*c/')).toContain('could backtrack too much')
    expect(refused('/[a-z]{1,64}[a-z]{1,64}.*#/')).toContain('could backtrack too much')
  })

  it('refuses backreferences and lookarounds, and reports invalid syntax', () => {
    expect(refused('/(a)\\1/')).toContain('backreference')
    expect(refused('/(?<x>a)\\k<x>/')).toContain('named backreferences')
    expect(refused('/a(?=b)/')).toContain('lookaround')
    expect(refused('/(?<!a)b/')).toContain('lookaround')
    expect(refused('/[a-z/')).toContain('not closed')
    expect(refused('/a)/')).toContain("unbalanced ')'")
    expect(refused('/a{2,1}/')).toContain('not a valid JavaScript regex')
    expect(refused(`/${'a'.repeat(2000)}/`)).toContain('more than 1024')
  })

  it('does not mistake escaped or class characters for structure', () => {
    expect(analyseRegexSource('^a\\(b\\)+c$')).toBeNull()
    expect(analyseRegexSource('^[(|)]+$')).toBeNull()
    expect(analyseRegexSource('^\\p{L}+$')).toBeNull()
  })

  it('answers quickly on hostile input for every pattern it accepts', () => {
    const hostile = [
      'a'.repeat(REGEX_MAX_INPUT),
      'ab'.repeat(REGEX_MAX_INPUT / 2),
      '-'.repeat(REGEX_MAX_INPUT),
    ]
    const worstAccepted = ['/.*b/', '/^.*a.*b/', '/a{1,256}a?#/', '/(.)*#/', '/^.{0,500}.{0,500}#/']
    for (const entry of worstAccepted) {
      const v = compileSafeRegex(entry)
      expect(v.ok, entry).toBe(true)
      if (!v.ok) continue
      const t0 = performance.now()
      for (const s of hostile) v.regex.test(s)
      // Generous for a loaded CI machine: refused patterns take seconds to minutes on the same input.
      expect(performance.now() - t0, entry).toBeLessThan(250)
    }
  })
})
