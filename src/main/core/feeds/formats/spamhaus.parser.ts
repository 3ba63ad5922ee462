import type { FeedRecord, FormatParser } from '../feed-types'
import { runLineFormat } from './line-format'
import { type CommonParseOptions, errorMessage, isRecord, rejectItem, str } from './parse-support'

const SBL_ID = /^SBL\d{1,12}$/

const sblRecord = (
  line: number,
  cidr: string,
  sblid: string | undefined,
  rir?: string,
): FeedRecord => {
  // DROP lists netblocks hijacked or run by criminals: malicious by the source's definition.
  const r: FeedRecord = {
    line,
    value: cidr,
    type: 'cidr',
    threatType: 'spamhaus-drop',
    classification: 'malicious',
  }
  const raw: Record<string, string> = {}
  if (sblid !== undefined && SBL_ID.test(sblid)) {
    r.reference = `https://check.spamhaus.org/sbl/query/${sblid}`
    raw.sblid = sblid
  }
  if (rir !== undefined) raw.rir = rir
  r.raw = raw
  return r
}

/**
 * Spamhaus DROP / DROPv6, both spellings: the text lists (`1.10.16.0/20 ; SBL256894`, `;` comments) and
 * the JSON-lines files (`{"cidr":…,"sblid":…,"rir":…}` per line, a final `{"type":"metadata",…}` line).
 * Each line is recognised on its own, so a file mixing the two still reads.
 */
export const parseSpamhausDrop: FormatParser<CommonParseOptions> = (input, options) =>
  runLineFormat(input, options, (line, lineNo, out) => {
    const t = line.trim()
    if (t.startsWith(';') || t.startsWith('#')) {
      if (options.stats) options.stats.skipped++
      return
    }
    if (t.startsWith('{')) {
      let v: unknown
      try {
        v = JSON.parse(t)
      } catch (e) {
        out.push(rejectItem(lineNo, t, `not valid JSON: ${errorMessage(e)}`))
        return
      }
      if (!isRecord(v)) {
        out.push(rejectItem(lineNo, t, 'not a JSON object'))
        return
      }
      if (v.type === 'metadata') {
        if (options.stats) options.stats.skipped++
        return
      }
      const cidr = str(v.cidr)?.trim()
      if (cidr === undefined || cidr === '') {
        out.push(rejectItem(lineNo, t, 'no cidr field'))
        return
      }
      out.push({
        kind: 'record',
        record: sblRecord(lineNo, cidr, str(v.sblid)?.trim(), str(v.rir)?.trim()),
      })
      return
    }
    const semi = t.indexOf(';')
    const cidr = (semi < 0 ? t : t.slice(0, semi)).trim()
    const sblid = semi < 0 ? undefined : t.slice(semi + 1).trim()
    if (cidr === '' || /\s/.test(cidr)) {
      out.push(rejectItem(lineNo, t, 'expected "<network>/<prefix> ; SBL<id>"'))
      return
    }
    out.push({ kind: 'record', record: sblRecord(lineNo, cidr, sblid) })
  })
