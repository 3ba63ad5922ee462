import type { IocType } from './enums'

// Analysts and vendors "defang" indicators so nobody clicks them: hxxp://evil[.]com, user[@]evil[.]com.
// Refanging undoes the common spellings. Each alternative is a fixed token (no nested quantifiers), so the
// regex is linear on hostile input.
const REFANG =
  /\[\s*\.\s*\]|\(\s*\.\s*\)|\{\s*\.\s*\}|\[dot\]|\(dot\)|\{dot\}|\[:\/\/\]|\[:\]|\(:\)|\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\}|\\\.|\bh(?:xx|\*\*)p(s?)(?=\[?:|\(:\))|\bfxp(s?)(?=\[?:|\(:\))/gi
const SPACED_DOT = / dot /gi
// Cheap pre-check so clean values (nearly all of a feed) skip the replace entirely.
const HINT = /[[({\\]|xp:|xps:|xp\[|xps\[|xp\(|xps\(|\*\*p| dot /i

const replacement = (m: string, httpS?: string, ftpS?: string): string => {
  if (httpS !== undefined) return `http${httpS}`
  if (ftpS !== undefined) return `ftp${ftpS}`
  if (m === '\\.') return '.'
  if (m.includes('//')) return '://'
  if (m.includes(':')) return ':'
  if (m.includes('@') || m.toLowerCase().includes('at')) return '@'
  return '.'
}

export type RefangOptions = {
  /**
   * Also turn ` dot ` into '.'. On by default for single values; off when scanning prose, where
   * "the dot is" is an English sentence, not a domain.
   */
  spacedDot?: boolean
}

/** Undo common defanging: hxxp/hxxps/fxp, [.], (.), {.}, [dot], (dot), ` dot `, [:], [://], [@], [at], \. */
export const refang = (s: string, opts?: RefangOptions): string => {
  if (!HINT.test(s)) return s
  const out = s.replace(REFANG, replacement)
  return opts?.spacedDot === false ? out : out.replace(SPACED_DOT, '.')
}

const defangHost = (host: string, allDots: boolean): string => {
  if (host.startsWith('[')) return host.replaceAll(':', '[:]')
  if (allDots) return host.replaceAll('.', '[.]')
  const last = host.lastIndexOf('.')
  return last < 0 ? host : `${host.slice(0, last)}[.]${host.slice(last + 1)}`
}

const isIPv4Text = (s: string): boolean => /^[0-9.]+$/.test(s)

const SCHEME_DEFANG: Record<string, string> = {
  http: 'hxxp',
  https: 'hxxps',
  ftp: 'fxp',
  ftps: 'fxps',
}

const defangUrl = (url: string): string => {
  const sep = url.indexOf('://')
  if (sep < 0) return url
  const scheme = url.slice(0, sep)
  const fanged = SCHEME_DEFANG[scheme]
  const head = fanged === undefined ? `${scheme}[://]` : `${fanged}://`
  const rest = url.slice(sep + 3)
  let end = rest.length
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]
    if (c === '/' || c === '?' || c === '#') {
      end = i
      break
    }
  }
  const authority = rest.slice(0, end)
  const at = authority.lastIndexOf('@')
  const userinfo = at < 0 ? '' : authority.slice(0, at + 1)
  const hostPort = authority.slice(at + 1)
  let host = hostPort
  let port = ''
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']')
    host = hostPort.slice(0, close + 1)
    port = hostPort.slice(close + 1)
  } else {
    const colon = hostPort.indexOf(':')
    if (colon >= 0) {
      host = hostPort.slice(0, colon)
      port = hostPort.slice(colon)
    }
  }
  return `${head}${userinfo}${defangHost(host, !isIPv4Text(host))}${port}${rest.slice(end)}`
}

/**
 * A canonical value made safe to show or paste into a report: `hxxp://evil[.]com`, `1.2.3[.]4`,
 * `user[@]evil[.]com`. Only network types are defanged; hashes, CVEs and the rest come back unchanged.
 * `refang(defang(type, v)) === v` for every canonical value.
 */
export const defang = (type: IocType, value: string): string => {
  switch (type) {
    case 'ip':
      return defangHost(value, false)
    case 'cidr': {
      if (value.includes(':')) return value.replaceAll(':', '[:]')
      const slash = value.indexOf('/')
      return slash < 0
        ? defangHost(value, false)
        : `${defangHost(value.slice(0, slash), false)}${value.slice(slash)}`
    }
    case 'ipv6':
      return value.replaceAll(':', '[:]')
    case 'domain':
      return defangHost(value, true)
    case 'url':
      return defangUrl(value)
    case 'email': {
      const at = value.lastIndexOf('@')
      return at < 0 ? value : `${value.slice(0, at)}[@]${defangHost(value.slice(at + 1), true)}`
    }
    default:
      return value
  }
}
