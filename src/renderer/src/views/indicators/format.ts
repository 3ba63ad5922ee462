import type { IocType } from '#shared/domain/enums'

const COUNT = new Intl.NumberFormat('en-US')

export const formatCount = (n: number): string => COUNT.format(n)

const pad = (n: number) => String(n).padStart(2, '0')

/** `2025-03-04 17:05` in local time: sortable by eye, no locale surprises in a dense table. */
export const formatDateTime = (iso: string | null): string => {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return '—'
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export const TYPE_LABELS: Record<IocType, string> = {
  ip: 'IPv4',
  ipv6: 'IPv6',
  cidr: 'CIDR',
  domain: 'Domain',
  url: 'URL',
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
  email: 'Email',
  cve: 'CVE',
  'attack-technique': 'ATT&CK',
  'registry-key': 'Registry',
  mutex: 'Mutex',
  'bitcoin-address': 'Bitcoin',
  'ethereum-address': 'Ethereum',
  'file-name': 'File name',
  custom: 'Custom',
}

export const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/** Comma- or newline-separated list → trimmed, non-empty, unique entries. */
export const splitList = (text: string): string[] => [
  ...new Set(
    text
      .split(/[,\n]/)
      .map((t) => t.trim())
      .filter((t) => t.length > 0),
  ),
]
