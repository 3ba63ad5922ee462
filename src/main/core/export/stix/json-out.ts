import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { AppError } from '#shared/contract/errors'

/** Chunks go to the stream at this size: one write per object would cost more than the JSON itself. */
const FLUSH_BYTES = 64 * 1024

/**
 * Writes a JSON document in pieces to a stream with backpressure: a write the stream refuses (its buffer is
 * full) waits for 'drain', so a million objects never sit in memory at once. The stream is not ended: the
 * caller owns it (a file, an HTTP reply, a zip entry). A stream error or the abort signal rejects the
 * pending write.
 */
export class JsonOut {
  private buffer = ''

  constructor(
    private readonly out: Writable,
    private readonly signal?: AbortSignal,
  ) {}

  /** Raw JSON text (a comma, a bracket, a value already serialised). */
  async raw(text: string): Promise<void> {
    this.buffer += text
    if (this.buffer.length >= FLUSH_BYTES) await this.flush()
  }

  async flush(): Promise<void> {
    this.checkAbort()
    if (this.buffer === '') return
    const chunk = this.buffer
    this.buffer = ''
    if (this.out.destroyed) throw new AppError('internal', 'The export stream was closed early')
    if (this.out.write(chunk)) return
    try {
      await once(this.out, 'drain', { signal: this.signal })
    } catch (e) {
      this.checkAbort()
      throw e
    }
  }

  checkAbort(): void {
    if (this.signal?.aborted === true) throw new AppError('cancelled', 'The export was cancelled')
  }
}

/**
 * An array written one element at a time: `[`, elements with commas between, `]`. Used for the bundle's
 * objects, the event's attributes and a report's object_refs.
 */
export class JsonArrayOut {
  private count = 0

  constructor(private readonly json: JsonOut) {}

  get length(): number {
    return this.count
  }

  async open(prefix: string): Promise<void> {
    await this.json.raw(`${prefix}[`)
  }

  async push(value: unknown): Promise<void> {
    await this.json.raw(`${this.count === 0 ? '' : ','}${JSON.stringify(value)}`)
    this.count++
  }

  /** An element already serialised (an object whose array member is itself streamed). */
  async pushRaw(text: string): Promise<void> {
    await this.json.raw(`${this.count === 0 ? '' : ','}${text}`)
    this.count++
  }

  async close(suffix = ''): Promise<void> {
    await this.json.raw(`]${suffix}`)
  }
}
