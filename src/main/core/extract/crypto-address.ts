import { createHash } from 'node:crypto'

// Cryptocurrency addresses carry checksums; verifying them is what separates a wallet from any 26-35
// character word that happens to use the base58 alphabet (identifiers, tokens, base64 fragments).

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const BASE58_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < BASE58.length; i++) BASE58_VALUE[BASE58.charCodeAt(i)] = i

const base58Decode = (s: string): Uint8Array | null => {
  const bytes: number[] = []
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let carry = c < 128 ? (BASE58_VALUE[c] ?? -1) : -1
    if (carry < 0) return null
    for (let k = 0; k < bytes.length; k++) {
      carry += (bytes[k] ?? 0) * 58
      bytes[k] = carry & 0xff
      carry >>= 8
    }
    while (carry > 0) {
      bytes.push(carry & 0xff)
      carry >>= 8
    }
  }
  for (let i = 0; i < s.length && s.charCodeAt(i) === 49; i++) bytes.push(0)
  return Uint8Array.from(bytes.reverse())
}

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest()

/** A legacy (P2PKH, '1...') or script (P2SH, '3...') mainnet address with a valid Base58Check checksum. */
const isBase58Address = (s: string): boolean => {
  if (s.length < 26 || s.length > 35) return false
  const c0 = s.charCodeAt(0)
  if (c0 !== 49 && c0 !== 51) return false
  const bytes = base58Decode(s)
  if (bytes === null || bytes.length !== 25) return false
  if (bytes[0] !== (c0 === 49 ? 0x00 : 0x05)) return false
  const check = sha256(sha256(bytes.subarray(0, 21)))
  for (let i = 0; i < 4; i++) if (check[i] !== bytes[21 + i]) return false
  return true
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
const BECH32_CONST = 1
const BECH32M_CONST = 0x2bc830a3

const polymod = (values: readonly number[]): number => {
  let chk = 1
  for (const v of values) {
    const top = chk >>> 25
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ (GENERATOR[i] ?? 0)) >>> 0
  }
  return chk
}

/** A native SegWit mainnet address (bc1q... bech32, bc1p... bech32m) with a valid checksum. */
const isBech32Address = (s: string): boolean => {
  if (s.length < 14 || s.length > 74) return false
  const lower = s.toLowerCase()
  if (s !== lower && s !== s.toUpperCase()) return false
  if (!lower.startsWith('bc1')) return false
  const data: number[] = []
  for (let i = 3; i < lower.length; i++) {
    const v = BECH32.indexOf(lower[i] ?? '')
    if (v < 0) return false
    data.push(v)
  }
  if (data.length < 7) return false
  const version = data[0] ?? -1
  const expected = version === 0 ? BECH32_CONST : BECH32M_CONST
  if (version > 16) return false
  // hrp "bc" expanded: high bits, 0, low bits.
  return polymod([3, 3, 0, 2, 3, ...data]) === expected
}

/** The canonical bitcoin address (bech32 lower-cased), or null when the checksum does not hold. */
export const canonicalBitcoin = (s: string): string | null => {
  if (isBase58Address(s)) return s
  if (isBech32Address(s)) return s.toLowerCase()
  return null
}

const isHex = (s: string, from: number): boolean => {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false
  }
  return true
}

/**
 * An Ethereum address: 0x and 40 hex digits, lower-cased (EIP-55 mixed case is a display checksum needing
 * Keccak-256, which node:crypto lacks, so it is not verified).
 */
export const canonicalEthereum = (s: string): string | null =>
  s.length === 42 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 0x20) === 120 && isHex(s, 2)
    ? `0x${s.slice(2).toLowerCase()}`
    : null
