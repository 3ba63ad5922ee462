// SHA-1 (FIPS 180-4) in plain TypeScript, for UUIDv5 ids in the renderer, where `node:crypto` does not
// exist and WebCrypto's digest is async. Not for security: UUIDv5 is defined on SHA-1, collisions do not
// matter for naming indicators.

const schedule = new Int32Array(80)
let padded = new Uint8Array(128)

const writeWord = (out: Uint8Array, at: number, h: number): void => {
  out[at] = h >>> 24
  out[at + 1] = h >>> 16
  out[at + 2] = h >>> 8
  out[at + 3] = h
}

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n))

/** SHA-1 of `bytes[0, length)` written into `out` (20 bytes); no allocation once warm. */
export const sha1Into = (bytes: Uint8Array, length: number, out: Uint8Array): Uint8Array => {
  const len = length
  const blocks = Math.floor((len + 8) / 64) + 1
  const total = blocks * 64
  if (padded.length < total) padded = new Uint8Array(total * 2)
  const m = padded
  if (length === bytes.length) m.set(bytes, 0)
  else for (let i = 0; i < length; i++) m[i] = bytes[i]
  m.fill(0, len, total)
  m[len] = 0x80
  // Message length in bits, big-endian 64-bit. Split so lengths past 512 MiB stay exact.
  const high = Math.floor(len / 0x20000000)
  const low = (len << 3) >>> 0
  m[total - 8] = high >>> 24
  m[total - 7] = (high >>> 16) & 0xff
  m[total - 6] = (high >>> 8) & 0xff
  m[total - 5] = high & 0xff
  m[total - 4] = low >>> 24
  m[total - 3] = (low >>> 16) & 0xff
  m[total - 2] = (low >>> 8) & 0xff
  m[total - 1] = low & 0xff

  let h0 = 0x67452301
  let h1 = 0xefcdab89 | 0
  let h2 = 0x98badcfe | 0
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0 | 0
  const w = schedule
  for (let off = 0; off < total; off += 64) {
    for (let t = 0; t < 16; t++) {
      const p = off + t * 4
      w[t] = (m[p] << 24) | (m[p + 1] << 16) | (m[p + 2] << 8) | m[p + 3]
    }
    for (let t = 16; t < 80; t++) {
      w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1)
    }
    let a = h0
    let b = h1
    let c = h2
    let d = h3
    let e = h4
    let t = 0
    // Four loops, one per round function, so the hot loop has no branch on t.
    for (; t < 20; t++) {
      const temp = (rotl(a, 5) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[t]) | 0
      e = d
      d = c
      c = rotl(b, 30)
      b = a
      a = temp
    }
    for (; t < 40; t++) {
      const temp = (rotl(a, 5) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]) | 0
      e = d
      d = c
      c = rotl(b, 30)
      b = a
      a = temp
    }
    for (; t < 60; t++) {
      const temp = (rotl(a, 5) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[t]) | 0
      e = d
      d = c
      c = rotl(b, 30)
      b = a
      a = temp
    }
    for (; t < 80; t++) {
      const temp = (rotl(a, 5) + (b ^ c ^ d) + e + 0xca62c1d6 + w[t]) | 0
      e = d
      d = c
      c = rotl(b, 30)
      b = a
      a = temp
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
  }
  writeWord(out, 0, h0)
  writeWord(out, 4, h1)
  writeWord(out, 8, h2)
  writeWord(out, 12, h3)
  writeWord(out, 16, h4)
  return out
}

export const sha1 = (bytes: Uint8Array): Uint8Array =>
  sha1Into(bytes, bytes.length, new Uint8Array(20))
