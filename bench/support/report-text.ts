import { createRandom } from './random'

/**
 * A threat report's worth of text, a few MB of it: English prose paragraphs, markdown tables and bullet
 * lists, log lines and e-mail headers, with indicators mixed in as reports write them (plain and defanged
 * hosts, URLs with trailing punctuation, hashes, CVEs, ATT&CK ids, file names, wallets, registry keys) and
 * the traps (versions, dates, file names that look like hosts). Seeded: every contender reads the same text.
 */
const PROSE = (
  'the actor used a loader to stage the second payload after initial access through a phishing lure ' +
  'which then contacted its command and control server over https while persistence was set with a ' +
  'scheduled task and the operators moved laterally using remote services before exfiltration of ' +
  'archived data to cloud storage we assess with moderate confidence that the campaign targets finance ' +
  'and energy organisations in europe and north america version 2.4.1 of the tool was observed on ' +
  'hosts running windows server 2019 and the malware checks for virtual machines before it unpacks'
).split(' ')
const WORDS = [
  'secure',
  'update',
  'cdn',
  'login',
  'mail',
  'cloud',
  'portal',
  'api',
  'files',
  'sync',
]
const TLDS = ['com', 'net', 'org', 'ru', 'xyz', 'top', 'info', 'io', 'cn', 'online']
const FILES = ['invoice.zip', 'loader.dll', 'update.exe', 'payload.bin', 'report.pdf', 'stage2.ps1']

export const reportText = (bytes: number, seed = 20251203): string => {
  const r = createRandom(seed)
  const host = (): string => `${r.pick(WORDS)}-${r.pick(WORDS)}${r.int(100)}.${r.pick(TLDS)}`
  const ip = (): string => `${1 + r.int(222)}.${r.int(256)}.${r.int(256)}.${1 + r.int(254)}`
  const defang = (h: string): string => h.replaceAll('.', r.chance(0.5) ? '[.]' : '(.)')
  const ioc = (): string => {
    switch (r.int(14)) {
      case 0:
        return host()
      case 1:
        return defang(host())
      case 2:
        return `https://${host()}/${r.pick(WORDS)}/${r.pick(FILES)}.`
      case 3:
        return `hxxp://${defang(host())}/gate.php`
      case 4:
        return ip()
      case 5:
        return `${ip().replace(/\.(?=[0-9]+$)/, '[.]')}:${1024 + r.int(60000)}`
      case 6:
        return r.hex(32)
      case 7:
        return r.hex(64).toUpperCase()
      case 8:
        return `CVE-20${10 + r.int(15)}-${1000 + r.int(40000)}`
      case 9:
        return `T1${String(r.int(1000)).padStart(3, '0')}.00${1 + r.int(9)}`
      case 10:
        return r.pick(FILES)
      case 11:
        return `${r.pick(WORDS)}[at]${defang(host())}`
      case 12:
        return `(see [the post](https://${host()}/p/${r.int(1e6)}))`
      default:
        return `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\${r.pick(WORDS)}`
    }
  }
  const paragraph = (): string => {
    const words: string[] = []
    const n = 40 + r.int(80)
    for (let i = 0; i < n; i++) words.push(r.chance(0.06) ? ioc() : r.pick(PROSE))
    return `${words.join(' ')}.`
  }
  const table = (): string => {
    const rows = ['| Type | Indicator | Note |', '|---|---|---|']
    for (let i = 0; i < 8; i++)
      rows.push(`| ioc | ${ioc()} | first seen 2024-0${1 + r.int(9)}-1${r.int(9)} |`)
    return rows.join('\n')
  }
  const logs = (): string => {
    const lines: string[] = []
    for (let i = 0; i < 10; i++) {
      lines.push(
        `2024-10-1${r.int(9)}T12:${10 + r.int(49)}:${10 + r.int(49)}Z fw01 DROP SRC=${ip()} DST=10.0.${r.int(256)}.${1 + r.int(254)} PROTO=TCP DPT=${r.pick(['443', '445', '3389', '22'])}`,
      )
    }
    return lines.join('\n')
  }
  const parts: string[] = []
  let size = 0
  while (size < bytes) {
    const k = r.int(10)
    const p = k < 6 ? paragraph() : k < 8 ? table() : logs()
    parts.push(p)
    size += p.length + 2
  }
  return parts.join('\n\n')
}
