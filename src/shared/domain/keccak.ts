// Keccak-256 (the original Keccak padding Ethereum uses, not SHA3-256): EIP-55 mixed-case addresses carry
// their checksum in the case of the letters, computed with it. node:crypto has no Keccak and this runs in
// the renderer too. BigInt lanes keep it short; it hashes 40 characters per mixed-case address, rarely.

const RC = [
  0x0000000000000001n,
  0x0000000000008082n,
  0x800000000000808an,
  0x8000000080008000n,
  0x000000000000808bn,
  0x0000000080000001n,
  0x8000000080008081n,
  0x8000000000008009n,
  0x000000000000008an,
  0x0000000000000088n,
  0x0000000080008009n,
  0x000000008000000an,
  0x000000008000808bn,
  0x800000000000008bn,
  0x8000000000008089n,
  0x8000000000008003n,
  0x8000000000008002n,
  0x8000000000000080n,
  0x000000000000800an,
  0x800000008000000an,
  0x8000000080008081n,
  0x8000000000008080n,
  0x0000000080000001n,
  0x8000000080008008n,
]
// Rotation offsets r[x + 5y].
const ROT = [
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
].map(BigInt)
const MASK = (1n << 64n) - 1n
const RATE = 136

const rotl = (v: bigint, n: bigint): bigint => (n === 0n ? v : ((v << n) | (v >> (64n - n))) & MASK)

const permute = (a: bigint[]): void => {
  const c: bigint[] = new Array<bigint>(5).fill(0n)
  const b: bigint[] = new Array<bigint>(25).fill(0n)
  for (const rc of RC) {
    for (let x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20]
    for (let x = 0; x < 5; x++) {
      const d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1n)
      for (let y = 0; y < 25; y += 5) a[x + y] ^= d
    }
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++)
        b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], ROT[x + 5 * y])
    }
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        a[x + y] = b[x + y] ^ (~b[((x + 1) % 5) + y] & MASK & b[((x + 2) % 5) + y])
      }
    }
    a[0] ^= rc
  }
}

/** Keccak-256 of `bytes` (32 bytes out). */
export const keccak256 = (bytes: Uint8Array): Uint8Array => {
  const blocks = Math.floor(bytes.length / RATE) + 1
  const padded = new Uint8Array(blocks * RATE)
  padded.set(bytes, 0)
  padded[bytes.length] ^= 0x01
  padded[padded.length - 1] ^= 0x80
  const state: bigint[] = new Array<bigint>(25).fill(0n)
  for (let off = 0; off < padded.length; off += RATE) {
    for (let i = 0; i < RATE / 8; i++) {
      let lane = 0n
      for (let k = 7; k >= 0; k--) lane = (lane << 8n) | BigInt(padded[off + i * 8 + k])
      state[i] ^= lane
    }
    permute(state)
  }
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number((state[i >> 3] >> BigInt((i & 7) * 8)) & 0xffn)
  return out
}
