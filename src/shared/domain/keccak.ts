// Keccak-256 (the original Keccak padding Ethereum uses, not SHA3-256): EIP-55 mixed-case addresses carry
// their checksum in the case of the letters, computed with it. node:crypto has no Keccak and this runs in
// the renderer too. Lanes are pairs of 32-bit halves (lo, hi): a text full of mixed-case addresses must
// not make extraction slow, and 64-bit BigInt lanes would.

// Round constants, low and high halves.
const RC_LO = Uint32Array.from([
  0x00000001, 0x00008082, 0x0000808a, 0x80008000, 0x0000808b, 0x80000001, 0x80008081, 0x00008009,
  0x0000008a, 0x00000088, 0x80008009, 0x8000000a, 0x8000808b, 0x0000008b, 0x00008089, 0x00008003,
  0x00008002, 0x00000080, 0x0000800a, 0x8000000a, 0x80008081, 0x00008080, 0x80000001, 0x80008008,
])
const RC_HI = Uint32Array.from([
  0x00000000, 0x00000000, 0x80000000, 0x80000000, 0x00000000, 0x00000000, 0x80000000, 0x80000000,
  0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x80000000, 0x80000000, 0x80000000,
  0x80000000, 0x80000000, 0x00000000, 0x80000000, 0x80000000, 0x80000000, 0x00000000, 0x80000000,
])
// Rotation offsets r[x + 5y].
const ROT = Int32Array.from([
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
])
// Where lane x + 5y goes in the pi step: y + 5((2x + 3y) mod 5).
const PI = Int32Array.from({ length: 25 }, (_, i) => {
  const x = i % 5
  const y = Math.floor(i / 5)
  return y + 5 * ((2 * x + 3 * y) % 5)
})
const RATE = 136

const lo = new Uint32Array(25)
const hi = new Uint32Array(25)
const bLo = new Uint32Array(25)
const bHi = new Uint32Array(25)
const cLo = new Uint32Array(5)
const cHi = new Uint32Array(5)

// Index tables, so the rounds do no modulo arithmetic.
const NEXT = [1, 2, 3, 4, 0]
const PREV = [4, 0, 1, 2, 3]
const NEXT2 = [2, 3, 4, 0, 1]

const permute = (): void => {
  for (let round = 0; round < 24; round++) {
    for (let x = 0; x < 5; x++) {
      cLo[x] = lo[x] ^ lo[x + 5] ^ lo[x + 10] ^ lo[x + 15] ^ lo[x + 20]
      cHi[x] = hi[x] ^ hi[x + 5] ^ hi[x + 10] ^ hi[x + 15] ^ hi[x + 20]
    }
    for (let x = 0; x < 5; x++) {
      const nl = cLo[NEXT[x]]
      const nh = cHi[NEXT[x]]
      // D[x] = C[x-1] ^ rotl(C[x+1], 1)
      const dLo = cLo[PREV[x]] ^ ((nl << 1) | (nh >>> 31))
      const dHi = cHi[PREV[x]] ^ ((nh << 1) | (nl >>> 31))
      lo[x] ^= dLo
      hi[x] ^= dHi
      lo[x + 5] ^= dLo
      hi[x + 5] ^= dHi
      lo[x + 10] ^= dLo
      hi[x + 10] ^= dHi
      lo[x + 15] ^= dLo
      hi[x + 15] ^= dHi
      lo[x + 20] ^= dLo
      hi[x + 20] ^= dHi
    }
    for (let i = 0; i < 25; i++) {
      const n = ROT[i]
      const l = lo[i]
      const h = hi[i]
      const to = PI[i]
      if (n === 0) {
        bLo[to] = l
        bHi[to] = h
      } else if (n < 32) {
        bLo[to] = (l << n) | (h >>> (32 - n))
        bHi[to] = (h << n) | (l >>> (32 - n))
      } else if (n === 32) {
        bLo[to] = h
        bHi[to] = l
      } else {
        const m = n - 32
        bLo[to] = (h << m) | (l >>> (32 - m))
        bHi[to] = (l << m) | (h >>> (32 - m))
      }
    }
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const b1 = NEXT[x] + y
        const b2 = NEXT2[x] + y
        lo[x + y] = bLo[x + y] ^ (~bLo[b1] & bLo[b2])
        hi[x + y] = bHi[x + y] ^ (~bHi[b1] & bHi[b2])
      }
    }
    lo[0] ^= RC_LO[round]
    hi[0] ^= RC_HI[round]
  }
}

/** Keccak-256 of `bytes` (32 bytes out). */
export const keccak256 = (bytes: Uint8Array): Uint8Array => {
  const blocks = Math.floor(bytes.length / RATE) + 1
  const padded = new Uint8Array(blocks * RATE)
  padded.set(bytes, 0)
  padded[bytes.length] ^= 0x01
  padded[padded.length - 1] ^= 0x80
  lo.fill(0)
  hi.fill(0)
  for (let off = 0; off < padded.length; off += RATE) {
    for (let i = 0; i < RATE / 8; i++) {
      const p = off + i * 8
      lo[i] ^= padded[p] | (padded[p + 1] << 8) | (padded[p + 2] << 16) | (padded[p + 3] << 24)
      hi[i] ^= padded[p + 4] | (padded[p + 5] << 8) | (padded[p + 6] << 16) | (padded[p + 7] << 24)
    }
    permute()
  }
  const out = new Uint8Array(32)
  for (let i = 0; i < 4; i++) {
    for (let k = 0; k < 4; k++) {
      out[i * 8 + k] = lo[i] >>> (8 * k)
      out[i * 8 + 4 + k] = hi[i] >>> (8 * k)
    }
  }
  return out
}
