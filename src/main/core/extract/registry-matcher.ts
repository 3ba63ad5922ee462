import { canonicalValue } from './canonicalise-item'
import type { ScanContext } from './scan-context'

const HIVE =
  /(?:Computer\\+)?(?:HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG|PERFORMANCE_DATA)|HKLM|HKCU|HKCR|HKU|HKCC):?\\|\\REGISTRY\\(?:MACHINE|USER)\\/iy
const DRIVE = /^[A-Za-z]:\\/
const MAX_KEY = 1024

/** Whether a registry key starts at i (a hive, its abbreviation, regedit's "Computer\" or a kernel path). */
export const isHiveAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i)
  const next = text.charCodeAt(i + 1) | 0x20
  // h-k..., c-o... (Computer\), \-r... (\REGISTRY\): a cheap look before the regex.
  const l = c | 0x20
  if (!((l === 104 && next === 107) || (l === 99 && next === 111) || (c === 92 && next === 114))) {
    return false
  }
  HIVE.lastIndex = i
  return HIVE.test(text)
}

const isSpace = (c: number): boolean => c === 32 || c === 9

const CONTINUATION_WORDS = 4

/**
 * Where an unquoted key that reached `end` really ends: the following words belong to it when one of the
 * next few continues the path with a '\' ("Windows NT\CurrentVersion", "Image File Execution Options\x")
 * and none starts a new key, a drive path or a UNC path.
 */
const continueKey = (text: string, start: number, reached: number): number => {
  let end = reached
  while (end - start < MAX_KEY && isSpace(text.charCodeAt(end))) {
    let w = end
    let joined = -1
    for (let k = 0; k < CONTINUATION_WORDS && isSpace(text.charCodeAt(w)); k++) {
      const from = w + 1
      w = from
      while (w < text.length && !isSpace(text.charCodeAt(w)) && text.charCodeAt(w) !== 34) w++
      const word = text.slice(from, w)
      if (word.startsWith('\\') || isHiveAt(text, from) || DRIVE.test(word)) break
      if (word.includes('\\')) {
        joined = w
        break
      }
    }
    if (joined < 0) break
    end = joined
  }
  return end
}

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
    end = continueKey(text, start, end)
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
