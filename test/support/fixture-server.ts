/**
 * A real HTTP server on 127.0.0.1:<random port> that misbehaves on purpose, for feed/transport tests.
 *
 *   const srv = await startFixtureServer()
 *   srv.route('/feed.csv', serve.bytes('a,b\n', { contentType: 'text/csv' }))
 *   srv.route('/flaky', serve.status(500), serve.bytes('ok'))  // hit 1 → 500, hit 2 and later → 200
 *   await fetchFeed({ url: srv.url('/feed.csv'), expect: 'csv' }, deps)
 *   srv.requestsTo('/flaky')   // [{ method, path, headers, hit }] in arrival order (the request log)
 *   await srv.close()          // also cuts open connections (stalled drips, hangs)
 *
 * `route(path, ...handlers)`: path is matched on the pathname only (the query string is in the log);
 * the n-th request gets the n-th handler, the last one repeats. Unknown paths answer 404. `route` again
 * replaces the handlers and restarts the hit count. `srv.origin` is the base URL without a slash.
 *
 * Handlers (`serve.*`), each `(req, res, info) => void | Promise<void>`:
 *   bytes(body, { status, contentType, headers })   the body as-is with Content-Length
 *   file(path, opts)                                streams a file from disk (Content-Length from stat)
 *   gzip(body, opts)                                `Content-Encoding: gzip` (also deflate / br via `encoding`)
 *   stream(() => AsyncIterable<Uint8Array>, opts)   chunked, with backpressure (for generated huge bodies)
 *   drip(chunks, intervalMs, opts)                  one chunk every intervalMs, then end (slow server)
 *   stall(firstChunk, opts)                         headers + one chunk, then silence (idle timeout)
 *   hang()                                          never answers (headers timeout)
 *   truncated(body, announcedLength, opts)          Content-Length larger than what is sent, then destroy
 *   reset(body, opts)                               sends body (say 64 KiB), then a TCP RST mid-body
 *   status(code, body?, opts)                       any status with an optional body
 *   retryAfter(value, code = 429)                   429 with a Retry-After header (seconds or HTTP date)
 *   redirect(location, code = 302)                  location may be relative
 *   etag(tag, handler)                              304 when If-None-Match matches, else the handler
 *   basicAuth(user, pass, handler)                  401 with WWW-Authenticate unless the credentials match
 *   requireHeader(name, value, handler)             401 unless the header has that value (e.g. Auth-Key)
 *
 * Archive helpers, built at test time without holding the expansion in memory:
 *   gzipZeros(bytes)              gzip of `bytes` filler bytes (spaces; 1 GiB → ~1 MiB, a decompression bomb)
 *   zipArchive(entries)           a zip (deflate or store) of { name, data } or { name, zeros } entries;
 *                                 `declaredSize` lets an entry lie about its size in the headers
 */
import { createReadStream, statSync } from 'node:fs'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { Readable, pipeline } from 'node:stream'
import {
  brotliCompressSync,
  crc32,
  createDeflateRaw,
  createGzip,
  deflateSync,
  gzipSync,
} from 'node:zlib'

export type LoggedRequest = {
  method: string
  path: string
  headers: IncomingHttpHeaders
  hit: number
}
export type RouteInfo = { hit: number; url: URL }
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  info: RouteInfo,
) => void | Promise<void>

export type FixtureServer = {
  origin: string
  url(path: string): string
  route(path: string, ...handlers: Handler[]): void
  requests: LoggedRequest[]
  requestsTo(path: string): LoggedRequest[]
  close(): Promise<void>
}

type Body = string | Uint8Array
type Opts = { status?: number; contentType?: string; headers?: Record<string, string> }

const toBuffer = (b: Body): Buffer =>
  typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b)

const head = (res: ServerResponse, opts: Opts, extra: Record<string, string> = {}): void => {
  res.writeHead(opts.status ?? 200, {
    ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
    ...extra,
    ...opts.headers,
  })
}

export const startFixtureServer = async (): Promise<FixtureServer> => {
  const routes = new Map<string, { handlers: Handler[]; hits: number }>()
  const requests: LoggedRequest[] = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const route = routes.get(url.pathname)
    const hit = route ? ++route.hits : 0
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      headers: req.headers,
      hit,
    })
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no fixture route ${url.pathname}`)
      return
    }
    const handler = route.handlers[Math.min(hit, route.handlers.length) - 1]
    Promise.resolve(handler(req, res, { hit, url })).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(599)
      res.destroy(e instanceof Error ? e : new Error(String(e)))
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    url: (path) => origin + path,
    route: (path, ...handlers) => {
      if (!handlers.length) throw new Error(`route ${path} needs at least one handler`)
      routes.set(path, { handlers, hits: 0 })
    },
    requests,
    requestsTo: (path) => requests.filter((r) => r.path.split('?')[0] === path),
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export const serve = {
  bytes:
    (body: Body, opts: Opts = {}): Handler =>
    (_req, res) => {
      const buf = toBuffer(body)
      head(res, opts, { 'content-length': String(buf.length) })
      res.end(buf)
    },

  file:
    (path: string, opts: Opts = {}): Handler =>
    (_req, res) => {
      head(res, opts, { 'content-length': String(statSync(path).size) })
      pipeline(createReadStream(path), res, () => undefined)
    },

  gzip:
    (body: Body, opts: Opts & { encoding?: 'gzip' | 'x-gzip' | 'deflate' | 'br' } = {}): Handler =>
    (_req, res) => {
      const enc = opts.encoding ?? 'gzip'
      const raw = toBuffer(body)
      const buf =
        enc === 'br'
          ? brotliCompressSync(raw)
          : enc === 'deflate'
            ? deflateSync(raw)
            : gzipSync(raw)
      head(res, opts, { 'content-encoding': enc, 'content-length': String(buf.length) })
      res.end(buf)
    },

  stream:
    (make: () => AsyncIterable<Uint8Array>, opts: Opts = {}): Handler =>
    (_req, res) => {
      head(res, opts)
      pipeline(Readable.from(make()), res, () => undefined)
    },

  drip:
    (chunks: Body[], intervalMs: number, opts: Opts = {}): Handler =>
    (_req, res) => {
      head(res, opts)
      res.flushHeaders()
      let i = 0
      const timer = setInterval(() => {
        if (i < chunks.length) res.write(toBuffer(chunks[i++]))
        if (i >= chunks.length) {
          clearInterval(timer)
          res.end()
        }
      }, intervalMs)
      res.on('close', () => clearInterval(timer))
    },

  stall:
    (firstChunk: Body, opts: Opts = {}): Handler =>
    (_req, res) => {
      head(res, opts)
      res.write(toBuffer(firstChunk))
    },

  hang: (): Handler => () => undefined,

  truncated:
    (body: Body, announcedLength: number, opts: Opts = {}): Handler =>
    (_req, res) => {
      head(res, opts, { 'content-length': String(announcedLength) })
      res.write(toBuffer(body), () => res.socket?.destroy())
    },

  reset:
    (body: Body, opts: Opts = {}): Handler =>
    (_req, res) => {
      head(res, opts)
      // A short pause lets the client read the data first; an RST racing unread data can look like a FIN.
      res.write(toBuffer(body), () => setTimeout(() => res.socket?.resetAndDestroy(), 25))
    },

  status:
    (code: number, body: Body = '', opts: Opts = {}): Handler =>
    (_req, res) => {
      const buf = toBuffer(body)
      head(
        res,
        { contentType: 'text/plain', ...opts, status: code },
        { 'content-length': String(buf.length) },
      )
      res.end(buf)
    },

  retryAfter:
    (value: string, code = 429): Handler =>
    (_req, res) => {
      res.writeHead(code, { 'retry-after': value, 'content-type': 'text/plain' }).end('slow down')
    },

  redirect:
    (location: string, code = 302): Handler =>
    (_req, res) => {
      res.writeHead(code, { location, 'content-length': '0' }).end()
    },

  etag:
    (tag: string, handler: Handler): Handler =>
    (req, res, info) => {
      if (req.headers['if-none-match'] === tag) {
        res.writeHead(304, { etag: tag }).end()
        return
      }
      res.setHeader('etag', tag)
      return handler(req, res, info)
    },

  basicAuth:
    (user: string, pass: string, handler: Handler): Handler =>
    (req, res, info) => {
      const expected = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
      if (req.headers.authorization !== expected) {
        res
          .writeHead(401, {
            'www-authenticate': 'Basic realm="fixture"',
            'content-type': 'application/json',
          })
          .end(
            JSON.stringify({
              title: 'Unauthorized',
              description: 'Valid credentials are required',
            }),
          )
        return
      }
      return handler(req, res, info)
    },

  requireHeader:
    (name: string, value: string, handler: Handler): Handler =>
    (req, res, info) => {
      if (req.headers[name.toLowerCase()] !== value) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end(`missing or wrong ${name}`)
        return
      }
      return handler(req, res, info)
    },
}

// Spaces, not NUL bytes: a bomb must look like text to get past the fetcher's binary sniff and reach the
// decompressed-size cap it exists to test. Any repeated byte compresses the same (1 GiB → ~1 MiB).
const ZERO_CHUNK = Buffer.alloc(1024 * 1024, 0x20)

async function* zeros(bytes: number): AsyncGenerator<Buffer> {
  for (let left = bytes; left > 0; left -= ZERO_CHUNK.length)
    yield left >= ZERO_CHUNK.length ? ZERO_CHUNK : ZERO_CHUNK.subarray(0, left)
}

const collect = async (stream: AsyncIterable<Buffer>): Promise<Buffer> => {
  const parts: Buffer[] = []
  for await (const c of stream) parts.push(c)
  return Buffer.concat(parts)
}

/** gzip of `bytes` zeros, compressed chunk by chunk (1 GiB of zeros → ~1 MiB, in ~2 s). */
export const gzipZeros = (bytes: number): Promise<Buffer> =>
  collect(Readable.from(zeros(bytes)).pipe(createGzip({ level: 9 })))

export type ZipEntry = { name: string; method?: 'deflate' | 'store'; declaredSize?: number } & (
  { data: Body } | { zeros: number }
)

/** A minimal zip writer (sizes in the local headers, no data descriptors, no zip64: entries < 4 GiB). */
export const zipArchive = async (entries: ZipEntry[]): Promise<Buffer> => {
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const method = e.method ?? 'deflate'
    const name = Buffer.from(e.name, 'utf8')
    let crc = 0
    let size = 0
    const source = 'data' in e ? [toBuffer(e.data)] : zeros(e.zeros)
    const counted = async function* (): AsyncGenerator<Buffer> {
      for await (const c of source) {
        crc = crc32(c, crc)
        size += c.length
        yield c
      }
    }
    const data =
      method === 'store'
        ? await collect(counted())
        : await collect(Readable.from(counted()).pipe(createDeflateRaw({ level: 9 })))
    const declared = e.declaredSize ?? size
    const fields = (sig: number, isCentral: boolean): Buffer => {
      const b = Buffer.alloc(isCentral ? 46 : 30)
      let o = 0
      b.writeUInt32LE(sig, o)
      o += 4
      if (isCentral) {
        b.writeUInt16LE(20, o)
        o += 2
      }
      b.writeUInt16LE(20, o) // version needed
      b.writeUInt16LE(0x0800, o + 2) // flags: UTF-8 names
      b.writeUInt16LE(method === 'store' ? 0 : 8, o + 4)
      b.writeUInt16LE(0, o + 6) // time
      b.writeUInt16LE(0x21, o + 8) // date 1980-01-01
      b.writeUInt32LE(crc >>> 0, o + 10)
      b.writeUInt32LE(data.length, o + 14)
      b.writeUInt32LE(declared, o + 18)
      b.writeUInt16LE(name.length, o + 22)
      if (isCentral) b.writeUInt32LE(offset, o + 36)
      return b
    }
    const local = Buffer.concat([fields(0x04034b50, false), name])
    central.push(Buffer.concat([fields(0x02014b50, true), name]))
    parts.push(local, data)
    offset += local.length + data.length
  }
  const cd = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, cd, end])
}
