// The labelled hosts `npm run train:url-model` learns from, all read from packages in node_modules so the
// run needs no network and gives the same data for the same lockfile:
//   phishing: eth-phishing-detect's `blacklist` (domains and hosts of crypto-wallet phishing sites);
//   benign:   eth-phishing-detect's `whitelist` (real sites its fuzzy matcher must not flag, many of them
//             crypto projects), plus every host named by an http(s) link in the packages' own files
//             (READMEs, changelogs, licences, package.json, source comments): documentation sites,
//             repositories, badges, standards bodies, vendors.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

export type LabelledHost = { host: string; label: 0 | 1; source: string }

const TEXT_FILE =
  /\.(md|markdown|txt|json|js|cjs|mjs|ts|cts|mts|html|yml|yaml)$|^(LICEN[CS]E|README|CHANGELOG|AUTHORS)/i
const MAX_FILE_BYTES = 4 * 1024 * 1024
const LINK = /https?:\/\/([A-Za-z0-9.-]+\.[A-Za-z]{2,63})(?=[:/?#\s"'<>)\]}`,;]|$)/g
// Names reserved for examples and tests (RFC 2606, RFC 6761) and file extensions that a link pattern
// catches in text like `http://localhost/index.html`: not sites anyone visits.
const RESERVED_TLDS = new Set(
  'example test invalid localhost local internal onion lan home corp js ts json md html htm css png svg mjs cjs map txt'.split(
    ' ',
  ),
)
const RESERVED_NAME = /(^|\.)(example\.(com|net|org)|localhost)$/

/** Lower-case host, no trailing dot; null for what is not a multi-label DNS name worth keeping. */
export const cleanHost = (raw: string): string | null => {
  const host = raw.trim().toLowerCase().replace(/\.$/, '')
  if (!/^[a-z0-9._-]+(\.[a-z0-9-]+)+$/.test(host) || host.length > 253) return null
  if (/^\d+(\.\d+){3}$/.test(host)) return null
  const labels = host.split('.')
  if (labels.some((l) => l.length === 0 || l.length > 63 || l.startsWith('-') || l.endsWith('-')))
    return null
  const tld = labels[labels.length - 1]
  if (RESERVED_TLDS.has(tld) || /\d/.test(tld) || RESERVED_NAME.test(host)) return null
  return host
}

const PhishingConfigSchema = z.object({
  blacklist: z.array(z.string()),
  whitelist: z.array(z.string()),
})

const readPhishingConfig = (root: string): z.infer<typeof PhishingConfigSchema> => {
  const path = join(root, 'node_modules/eth-phishing-detect/src/config.json')
  const parsed = PhishingConfigSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues[0].message}`)
  return parsed.data
}

/** Hosts of http(s) links in the text files under node_modules, walked in sorted order. */
export const linkedHosts = (nodeModules: string): { hosts: Set<string>; files: number } => {
  const hosts = new Set<string>()
  let files = 0
  const walk = (dir: string): void => {
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const path = join(dir, e.name)
      if (e.isSymbolicLink()) continue
      if (e.isDirectory()) walk(path)
      else if (e.isFile() && TEXT_FILE.test(e.name) && statSync(path).size <= MAX_FILE_BYTES) {
        files++
        for (const m of readFileSync(path, 'utf8').matchAll(LINK)) {
          const host = cleanHost(m[1])
          if (host) hosts.add(host)
        }
      }
    }
  }
  walk(nodeModules)
  return { hosts, files }
}

export type Dataset = {
  rows: LabelledHost[]
  description: Record<string, unknown>
}

/**
 * Both classes, one row per host, sorted. A host on both sides is dropped from the benign side (the
 * phishing list is curated; a README may link anything), as is any benign host whose registered domain
 * the phishing list names.
 */
export const collectDataset = (
  root: string,
  registeredDomain: (host: string) => string,
): Dataset => {
  const config = readPhishingConfig(root)
  const phishing = new Set<string>()
  for (const raw of config.blacklist) {
    const host = cleanHost(raw)
    if (host) phishing.add(host)
  }
  const whitelist = new Set(config.whitelist.map(cleanHost).filter((h) => h !== null))
  for (const h of whitelist) phishing.delete(h)
  const phishingDomains = new Set([...phishing].map(registeredDomain))
  const linked = linkedHosts(join(root, 'node_modules'))
  const rows: LabelledHost[] = [...phishing].map((host) => ({
    host,
    label: 1,
    source: 'eth-phishing-detect blacklist',
  }))
  let droppedBenign = 0
  const benign = new Map<string, string>()
  for (const h of whitelist) benign.set(h, 'eth-phishing-detect whitelist')
  for (const h of linked.hosts) if (!benign.has(h)) benign.set(h, 'links in node_modules')
  for (const [host, source] of benign) {
    if (phishing.has(host) || phishingDomains.has(registeredDomain(host))) droppedBenign++
    else rows.push({ host, label: 0, source })
  }
  rows.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.label - b.label))
  const count = (label: 0 | 1, source?: string): number =>
    rows.filter((r) => r.label === label && (source === undefined || r.source === source)).length
  return {
    rows,
    description: {
      phishing: `${count(1)} hosts from eth-phishing-detect's blacklist (crypto and wallet phishing)`,
      benign:
        `${count(0)} hosts: ${count(0, 'eth-phishing-detect whitelist')} from eth-phishing-detect's ` +
        `whitelist, ${count(0, 'links in node_modules')} named by http(s) links in ` +
        `${linked.files} text files under node_modules`,
      droppedBenignAlsoPhishing: droppedBenign,
    },
  }
}
