import { describe, expect, it } from 'vitest'
import { extractIocs } from '#core/extract/extract-iocs'
import { CORPUS } from '../../../fixtures/extract/corpus'
import { UNCOMPARED_KEYS, baselineFindings, judgeExtra } from './ioc-extractor-baseline'

const ours = (text: string): string[] =>
  extractIocs(text)
    .items.map((i) => `${i.kind} ${i.value}`)
    .sort()

describe('extraction corpus', () => {
  it('holds at least 250 cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(250)
  })

  it.each(CORPUS.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    expect(ours(c.text)).toEqual(c.expect.map(([k, v]) => `${k} ${v}`).sort())
  })
})

describe('against ioc-extractor on the corpus', () => {
  it('finds everything it finds correctly, with fewer false positives', () => {
    let theirCorrect = 0
    let theirWrong = 0
    let theirMissed = 0
    let oursFound = 0
    let oursWrong = 0
    let emailDomains = 0
    const missedByUs: string[] = []
    const wrong: string[] = []
    for (const [i, c] of CORPUS.entries()) {
      const expected = new Set(c.expect.map(([k, v]) => `${k} ${v}`))
      const mine = new Set(ours(c.text))
      for (const f of mine) {
        if (expected.has(f)) oursFound++
        else oursWrong++
      }
      const theirs = baselineFindings(c.text)
      for (const f of theirs) {
        if (expected.has(f)) {
          theirCorrect++
          if (!mine.has(f)) missedByUs.push(`case ${i}: ${f}`)
          continue
        }
        const reason = judgeExtra(f, expected, c.why)
        if (reason === null) {
          emailDomains++
          continue
        }
        theirWrong++
        wrong.push(`case ${i}: ${f} (${reason}) in ${JSON.stringify(c.text.slice(0, 80))}`)
      }
      for (const e of expected) if (!theirs.includes(e)) theirMissed++
    }
    const summary = {
      cases: CORPUS.length,
      expected: CORPUS.reduce((n, c) => n + c.expect.length, 0),
      ours: { found: oursFound, falsePositives: oursWrong },
      iocExtractor: {
        correct: theirCorrect,
        falsePositives: theirWrong,
        missed: theirMissed,
        emailDomainsReportedAsDomains: emailDomains,
      },
      notCompared: UNCOMPARED_KEYS,
    }
    console.log(`ioc-extractor's wrong findings:\n  ${wrong.join('\n  ')}`)
    console.log(`extraction corpus comparison: ${JSON.stringify(summary)}`)
    expect(missedByUs).toEqual([])
    expect(oursWrong).toBe(0)
    expect(oursWrong).toBeLessThan(theirWrong)
    expect(oursFound).toBeGreaterThan(theirCorrect)
  })
})
