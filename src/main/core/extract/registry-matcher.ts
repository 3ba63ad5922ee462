import { canonicalValue } from './canonicalise-item'
import type { ScanContext } from './scan-context'

const HIVE =
  /(?:Computer\\+)?(?:HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG|PERFORMANCE_DATA)|HKLM|HKCU|HKCR|HKU|HKCC):?\\|\\REGISTRY\\(?:MACHINE|USER)\\/iy
const DRIVE = /^[A-Za-z]:\\/
const MAX_KEY = 1024

/** Whether a registry key starts at i (a hive, its abbreviation, regedit's "Computer\" or a kernel path). */
export const isHiveAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i) | 0x20
  if (c !== 104 && c !== 99 && c !== 92) return false
  HIVE.lastIndex = i
  return HIVE.test(text)
}

const isSpace = (c: number): boolean => c === 32 || c === 9

/**
 * A registry key starting at `start`; returns where scanning resumes. Keys hold spaces ("Windows NT"): a
 * quoted key runs to its closing quote; an unquoted one takes the next words while they continue the path
 * with a '\' (and do not start a new key or a drive path).
 */
export const matchRegistry = (ctx: ScanContext, start: number): number => {
  const text = ctx.line.text
  const quote = text.charCodeAt(start - 1)
  let end: number
  if (quote === 34 || quote === 39) {
    end = text.indexOf(String.fromCharCode(quote), start)
    if (end < 0 || end - start > MAX_KEY) end = -1
  } else {
    end = -1
  }
  if (end < 0) {
    end = start
    while (end < text.length && !isSpace(text.charCodeAt(end)) && text.charCodeAt(end) !== 34) end++
    while (end - start < MAX_KEY && isSpace(text.charCodeAt(end))) {
      let w = end + 1
      while (w < text.length && !isSpace(text.charCodeAt(w)) && text.charCodeAt(w) !== 34) w++
      const word = text.slice(end + 1, w)
      if (!word.includes('\\') || word.startsWith('\\') || isHiveAt(text, end + 1)) break
      if (DRIVE.test(word)) break
      end = w
    }
  }
  const resume = end
  let e = end
  while (e > start) {
    const c = text.charCodeAt(e - 1)
    if (c === 46 || c === 44 || c === 59 || c === 58 || c === 39 || c === 41 || c === 92) e--
    else break
  }
  const v = e - start <= MAX_KEY ? canonicalValue('registry-key', text.slice(start, e)) : null
  if (v !== null) ctx.emit('registry-key', v, start, e)
  return resume
}
