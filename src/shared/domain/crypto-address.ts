import { keccak256 } from './keccak'
import { sha256 } from './sha256'

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

/** Why a legacy (P2PKH, '1...') or script (P2SH, '3...') mainnet address is not one, or null. */
const base58Problem = (s: string): string | null => {
  if (s.length < 26 || s.length > 35)
    return `a Base58 address has 26-35 characters, not ${s.length}`
  const c0 = s.charCodeAt(0)
  const bytes = base58Decode(s)
  if (bytes === null) return 'it has a character outside Base58 (0, O, I and l are not in it)'
  if (bytes.length !== 25) return 'it does not decode to the 25 bytes of an address'
  if (bytes[0] !== (c0 === 49 ? 0x00 : 0x05)) return 'its version byte is not mainnet'
  const check = sha256(sha256(bytes.subarray(0, 21)))
  for (let i = 0; i < 4; i++) {
    if (check[i] !== bytes[21 + i])
      return 'its Base58Check checksum does not match (a mistyped character)'
  }
  return null
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

/** Why a native SegWit mainnet address (bc1q... bech32, bc1p... bech32m) is not one, or null. */
const bech32Problem = (s: string): string | null => {
  if (s.length < 14 || s.length > 74)
    return `a bech32 address has 14-74 characters, not ${s.length}`
  const lower = s.toLowerCase()
  if (s !== lower && s !== s.toUpperCase())
    return 'bech32 is all lower or all upper case, never mixed'
  const data: number[] = []
  for (let i = 3; i < lower.length; i++) {
    const v = BECH32.indexOf(lower.charAt(i))
    if (v < 0)
      return `character '${lower.charAt(i)}' is not in the bech32 alphabet (no 1, b, i or o)`
    data.push(v)
  }
  const version = data[0] ?? 0
  if (version > 16) return `witness version ${version} is out of range 0-16`
  // Witness program bytes: the 5-bit groups between the version and the 6-character checksum.
  const programBytes = Math.floor(((data.length - 7) * 5) / 8)
  if (programBytes < 2 || programBytes > 40) return 'its witness program is not 2-40 bytes'
  if (version === 0 && programBytes !== 20 && programBytes !== 32) {
    return 'a version 0 witness program is 20 or 32 bytes'
  }
  // hrp "bc" expanded: high bits, 0, low bits.
  const expected = version === 0 ? BECH32_CONST : BECH32M_CONST
  if (polymod([3, 3, 0, 2, 3, ...data]) !== expected) {
    return `its ${version === 0 ? 'bech32' : 'bech32m'} checksum does not match (a mistyped character)`
  }
  return null
}

/** Why a value is not a mainnet bitcoin address (legacy, script or SegWit), or null when it is one. */
export const bitcoinProblem = (s: string): string | null => {
  const c0 = s.charCodeAt(0)
  if (c0 === 49 || c0 === 51) return base58Problem(s)
  if (s.slice(0, 3).toLowerCase() === 'bc1') return bech32Problem(s)
  if (/^(?:tb1|bcrt1|[mn2])/i.test(s)) return 'it is a testnet address (only mainnet is accepted)'
  return 'it starts with neither 1, 3 nor bc1'
}

/**
 * The canonical bitcoin address, or null when it is not one. Bech32 is lower-cased (BIP 173: upper case is
 * allowed only for QR codes and means the same address); Base58 is kept as written, because its case is
 * the value itself.
 */
export const canonicalBitcoin = (s: string): string | null => {
  if (bitcoinProblem(s) !== null) return null
  return s.charCodeAt(0) === 49 || s.charCodeAt(0) === 51 ? s : s.toLowerCase()
}

const isHex = (s: string, from: number): boolean => {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false
  }
  return true
}

// Answers for spellings already checked: a text repeats its wallets, and each check is a Keccak-256.
// Bounded: cleared when full. It memoises a pure function, so sharing it across callers is safe.
const EIP55_MEMO_MAX = 4096
const eip55Memo = new Map<string, boolean>()

/** Does a mixed-case address carry a valid EIP-55 checksum (letters upper-case where the hash nibble >= 8)? */
const isEip55 = (hex40: string): boolean => {
  const known = eip55Memo.get(hex40)
  if (known !== undefined) return known
  if (eip55Memo.size >= EIP55_MEMO_MAX) eip55Memo.clear()
  const ok = checkEip55(hex40)
  eip55Memo.set(hex40, ok)
  return ok
}

const checkEip55 = (hex40: string): boolean => {
  const lower = hex40.toLowerCase()
  const ascii = new Uint8Array(40)
  for (let i = 0; i < 40; i++) ascii[i] = lower.charCodeAt(i)
  const hash = keccak256(ascii)
  for (let i = 0; i < 40; i++) {
    const c = hex40.charCodeAt(i)
    if (c < 65) continue
    const nibble = ((hash[i >> 1] ?? 0) >> (i & 1 ? 0 : 4)) & 0x0f
    if (c <= 70 !== nibble >= 8) return false
  }
  return true
}

/** Why an Ethereum address is not one, or null when it is. */
export const ethereumProblem = (s: string): string | null => {
  if (s.length < 2 || s.charCodeAt(0) !== 48 || (s.charCodeAt(1) | 0x20) !== 120) {
    return "it does not start with '0x'"
  }
  if (s.length !== 42)
    return `expected 0x and 40 hex digits, got ${s.length - 2} characters after 0x`
  if (!isHex(s, 2)) return 'it has a character that is not a hex digit after 0x'
  const hex = s.slice(2)
  if (hex !== hex.toLowerCase() && hex !== hex.toUpperCase() && !isEip55(hex)) {
    return 'its mixed case is not a valid EIP-55 checksum (a mistyped letter or digit)'
  }
  return null
}

/**
 * An Ethereum address, lower-cased. The canonical form is lower case because EIP-55's mixed case is a
 * display checksum over the same 20 bytes: explorers, wallets and feeds write one account both ways and it
 * must be one indicator. A mixed-case spelling must carry a valid checksum (it catches typos); all-lower
 * and all-upper spellings carry none.
 */
export const canonicalEthereum = (s: string): string | null =>
  ethereumProblem(s) === null ? `0x${s.slice(2).toLowerCase()}` : null
