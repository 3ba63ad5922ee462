// The macOS icon (icns) needs a 512x512 source, and resources/icon.png is 256x256. Rather than keep a second,
// derived image in the repository, `npm run dist` makes it from the one icon at build time: each pixel becomes a
// 2x2 block (no resampling library needed, and an enlarged icon is all icns asks for at that size).
// Only 8-bit RGBA non-interlaced PNGs, which is what resources/icon.png is; anything else is refused by name.

import { crc32, deflateSync, inflateSync } from 'node:zlib'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const BYTES_PER_PIXEL = 4

type Chunk = { type: string; data: Buffer }

const readChunks = (png: Buffer, name: string): Chunk[] => {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE))
    throw new Error(`${name} is not a PNG`)
  const chunks: Chunk[] = []
  for (let at = 8; at + 12 <= png.length;) {
    const length = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) })
    at += 12 + length
    if (type === 'IEND') break
  }
  return chunks
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** Reverses PNG's per-row filters: returns the raw RGBA rows, `width * 4` bytes each. */
const unfilter = (data: Buffer, width: number, height: number, name: string): Buffer => {
  const stride = width * BYTES_PER_PIXEL
  const out = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)]
    const src = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    const row = out.subarray(y * stride, (y + 1) * stride)
    const prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride)
    for (let x = 0; x < stride; x++) {
      const left = x >= BYTES_PER_PIXEL ? (row[x - BYTES_PER_PIXEL] ?? 0) : 0
      const upLeft = x >= BYTES_PER_PIXEL ? (prev[x - BYTES_PER_PIXEL] ?? 0) : 0
      const up = prev[x] ?? 0
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter ?? -1]
      if (predictor === undefined) throw new Error(`${name}: row ${y} has unknown filter ${filter}`)
      row[x] = ((src[x] ?? 0) + predictor) & 0xff
    }
  }
  return out
}

const chunk = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0)
  return Buffer.concat([head, data, crc])
}

/** Reads an 8-bit RGBA PNG's size; throws naming `name` for anything else. */
export const pngSize = (png: Buffer, name = 'image'): { width: number; height: number } => {
  const ihdr = readChunks(png, name).find((c) => c.type === 'IHDR')
  if (!ihdr) throw new Error(`${name} has no IHDR chunk`)
  return { width: ihdr.data.readUInt32BE(0), height: ihdr.data.readUInt32BE(4) }
}

/** `png` enlarged `factor` times in each direction, as a new PNG. */
export const upscalePng = (png: Buffer, factor: number, name = 'image'): Buffer => {
  const chunks = readChunks(png, name)
  const ihdr = chunks.find((c) => c.type === 'IHDR')
  if (!ihdr) throw new Error(`${name} has no IHDR chunk`)
  const width = ihdr.data.readUInt32BE(0)
  const height = ihdr.data.readUInt32BE(4)
  const [depth, colorType, , , interlace] = ihdr.data.subarray(8, 13)
  if (depth !== 8 || colorType !== 6 || interlace !== 0) {
    throw new Error(
      `${name}: only 8-bit RGBA non-interlaced PNGs can be enlarged (bit depth ${depth}, color type ${colorType}, interlace ${interlace})`,
    )
  }
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data))
  const pixels = unfilter(inflateSync(idat), width, height, name)
  const bigWidth = width * factor
  const bigStride = bigWidth * BYTES_PER_PIXEL + 1
  const big = Buffer.alloc(bigStride * height * factor)
  for (let y = 0; y < height * factor; y++) {
    const srcRow = Math.floor(y / factor) * width * BYTES_PER_PIXEL
    big[y * bigStride] = 0
    for (let x = 0; x < bigWidth; x++) {
      pixels.copy(
        big,
        y * bigStride + 1 + x * BYTES_PER_PIXEL,
        srcRow + Math.floor(x / factor) * BYTES_PER_PIXEL,
        srcRow + (Math.floor(x / factor) + 1) * BYTES_PER_PIXEL,
      )
    }
  }
  const header = Buffer.from(ihdr.data)
  header.writeUInt32BE(bigWidth, 0)
  header.writeUInt32BE(height * factor, 4)
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(big, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
