import type { RELIABILITIES } from '#shared/contract/feeds.contract'
import type { Tlp } from '#shared/domain/enums'
import type { FeedFormat } from './feed-types'

export type Reliability = (typeof RELIABILITIES)[number]

/** A built-in feed definition, added with one click (feeds.addFromCatalogue). */
export type CatalogueFeed = {
  key: string
  name: string
  format: FeedFormat
  /** For PhishTank the URL holds `{authKey}`, replaced by the user's application key. */
  url: string
  description: string
  defaultTlp: Tlp
  /** Admiralty source reliability, A (completely reliable) … F (cannot be judged). */
  reliability: Reliability
  /** Cron (croner syntax), chosen to respect each provider's stated update rate and fair use. */
  schedule: string | null
  options: Record<string, unknown>
  /** The feed cannot work without a key. */
  needsAuthKey?: boolean
  /** Where a key goes: a request header (abuse.ch `Auth-Key`, optional there) or the URL path. */
  authKeyIn?: 'header' | 'url'
  /** Header name when authKeyIn is 'header'. */
  authHeader?: string
  /** The definition is a template: the user must fill in the URL (TAXII server) before it can run. */
  needsConfiguration?: boolean
  /** Provider's page about the feed (terms of use, rate limits). */
  homepage: string
}

const ABUSE_CH_KEY = {
  authKeyIn: 'header',
  authHeader: 'Auth-Key',
} as const satisfies Pick<CatalogueFeed, 'authKeyIn' | 'authHeader'>

/**
 * Public feeds with their real URLs (formats.md §3.7, §3.8, §3.4). Public, redistributable data is
 * TLP:CLEAR; reliability follows the usual analyst consensus for each provider (abuse.ch and Spamhaus
 * curate and verify; OpenPhish is automated; a TAXII server is unknown until the user judges it).
 */
export const catalogue: readonly CatalogueFeed[] = [
  {
    key: 'urlhaus-recent',
    name: 'URLhaus: recent malware URLs',
    format: 'urlhaus-csv',
    url: 'https://urlhaus.abuse.ch/downloads/csv_recent/',
    description:
      'abuse.ch URLhaus: malware distribution URLs added in the last 30 days, with status, threat and tags. ' +
      'Updated every 5 minutes; an Auth-Key is optional.',
    defaultTlp: 'clear',
    reliability: 'B',
    schedule: '*/30 * * * *',
    options: {},
    ...ABUSE_CH_KEY,
    homepage: 'https://urlhaus.abuse.ch/api/',
  },
  {
    key: 'urlhaus-full',
    name: 'URLhaus: full database dump',
    format: 'urlhaus-csv',
    url: 'https://urlhaus.abuse.ch/downloads/csv/',
    description:
      'abuse.ch URLhaus: every URL ever reported (zipped CSV, about a gigabyte unzipped). For an initial ' +
      'load or a weekly resync; use the recent feed for updates.',
    defaultTlp: 'clear',
    reliability: 'B',
    schedule: '0 3 * * 0',
    options: {},
    ...ABUSE_CH_KEY,
    homepage: 'https://urlhaus.abuse.ch/api/',
  },
  {
    key: 'threatfox-recent-csv',
    name: 'ThreatFox: recent IOCs (CSV)',
    format: 'threatfox-csv',
    url: 'https://threatfox.abuse.ch/export/csv/recent/',
    description:
      'abuse.ch ThreatFox: IOCs (ip:port, domains, URLs, hashes) of the last 48 hours with malware family, ' +
      'threat type and confidence.',
    defaultTlp: 'clear',
    reliability: 'B',
    schedule: '10 * * * *',
    options: {},
    ...ABUSE_CH_KEY,
    homepage: 'https://threatfox.abuse.ch/export/',
  },
  {
    key: 'threatfox-recent-json',
    name: 'ThreatFox: recent IOCs (JSON)',
    format: 'threatfox-json',
    url: 'https://threatfox.abuse.ch/export/json/recent/',
    description:
      'abuse.ch ThreatFox: the same recent IOCs as the CSV export, as JSON keyed by IOC id.',
    defaultTlp: 'clear',
    reliability: 'B',
    schedule: '10 * * * *',
    options: {},
    ...ABUSE_CH_KEY,
    homepage: 'https://threatfox.abuse.ch/export/',
  },
  {
    key: 'feodo-ipblocklist-csv',
    name: 'Feodo Tracker: botnet C2 IP blocklist (CSV)',
    format: 'feodo-csv',
    url: 'https://feodotracker.abuse.ch/downloads/ipblocklist.csv',
    description:
      'abuse.ch Feodo Tracker: botnet command-and-control servers (Dridex, Emotet, QakBot, Pikabot…) ' +
      'with port, status and last time online.',
    defaultTlp: 'clear',
    reliability: 'B',
    schedule: '20 * * * *',
    options: {},
    ...ABUSE_CH_KEY,
    homepage: 'https://feodotracker.abuse.ch/blocklist/',
  },
  {
    key: 'feodo-ipblocklist-json',
    name: 'Feodo Tracker: botnet C2 IP blocklist (JSON)',
    format: 'feodo-json',
    url: 'https://feodotracker.abuse.ch/downloads/ipblocklist.json',
    description: 'abuse.ch Feodo Tracker: the C2 blocklist as JSON, with hostname, AS and country.',
    defaultTlp: 'clear',
    reliability: 'B',
    schedule: '20 * * * *',
    options: {},
    ...ABUSE_CH_KEY,
    homepage: 'https://feodotracker.abuse.ch/blocklist/',
  },
  {
    key: 'openphish-community',
    name: 'OpenPhish: community feed',
    format: 'openphish-txt',
    url: 'https://openphish.com/feed.txt',
    description:
      'OpenPhish community feed: phishing URLs, one per line, no timestamps (first seen is the fetch ' +
      'time). Updated about every 12 hours.',
    defaultTlp: 'clear',
    reliability: 'C',
    schedule: '0 */12 * * *',
    options: {},
    homepage: 'https://openphish.com/phishing_feeds.html',
  },
  {
    key: 'phishtank-online-valid',
    name: 'PhishTank: verified online phishing',
    format: 'phishtank-csv',
    url: 'https://data.phishtank.com/data/{authKey}/online-valid.csv',
    description:
      'PhishTank (Cisco Talos): community-verified phishing URLs that are online, with target brand. ' +
      'Needs a free application key in the URL; keyless downloads are limited to a few a day.',
    defaultTlp: 'clear',
    reliability: 'B',
    schedule: '0 */6 * * *',
    options: {},
    needsAuthKey: true,
    authKeyIn: 'url',
    homepage: 'https://phishtank.org/developer_info.php',
  },
  {
    key: 'spamhaus-drop-v4',
    name: 'Spamhaus DROP (IPv4)',
    format: 'spamhaus-drop',
    url: 'https://www.spamhaus.org/drop/drop_v4.json',
    description:
      "Spamhaus Don't Route Or Peer: IPv4 netblocks hijacked or leased by professional spam and cyber-crime " +
      'operations (EDROP is merged in). JSON lines with SBL ids. Spamhaus asks for at most one fetch an hour.',
    defaultTlp: 'clear',
    reliability: 'A',
    schedule: '35 4 * * *',
    options: {},
    homepage: 'https://www.spamhaus.org/blocklists/do-not-route-or-peer/',
  },
  {
    key: 'spamhaus-drop-v6',
    name: 'Spamhaus DROPv6 (IPv6)',
    format: 'spamhaus-drop',
    url: 'https://www.spamhaus.org/drop/drop_v6.json',
    description: "Spamhaus Don't Route Or Peer for IPv6 netblocks, JSON lines with SBL ids.",
    defaultTlp: 'clear',
    reliability: 'A',
    schedule: '40 4 * * *',
    options: {},
    homepage: 'https://www.spamhaus.org/blocklists/do-not-route-or-peer/',
  },
  {
    key: 'circl-osint-misp',
    name: 'CIRCL OSINT (MISP feed)',
    format: 'misp-feed',
    url: 'https://www.circl.lu/doc/misp/feed-osint/',
    description:
      'CIRCL OSINT feed: MISP events from public reports (manifest.json + one JSON per event); events are ' +
      'fetched only when newer. Tags, galaxies (threat actors, malware) and TLP are kept.',
    defaultTlp: 'clear',
    reliability: 'B',
    schedule: '0 */6 * * *',
    options: {},
    homepage: 'https://www.circl.lu/doc/misp/feed-osint/',
  },
  {
    key: 'taxii-example',
    name: 'TAXII 2.1 collection (configure)',
    format: 'taxii',
    url: '',
    description:
      'A TAXII 2.1 server: enter its discovery URL (e.g. https://example.org/taxii2/), credentials and ' +
      'the collection id. Objects are pulled incrementally with the added_after cursor.',
    defaultTlp: 'green',
    reliability: 'F',
    schedule: '0 * * * *',
    options: { collectionId: '' },
    needsConfiguration: true,
    homepage: 'https://docs.oasis-open.org/cti/taxii/v2.1/taxii-v2.1.html',
  },
]
