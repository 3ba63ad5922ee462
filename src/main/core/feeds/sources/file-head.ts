import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppError } from '#shared/contract/errors'
import { peekBytes } from '../decode/byte-streams'
import { decodeStream } from '../decode/decode'
import { DETECT_HEAD_BYTES } from '../formats/detect-format'
import { MAX_LOCAL_DECODED_BYTES, toUtf8, utf16Of } from './sources'

/**
 * The first 64 KB of a local file as an import would read them (unzipped, UTF-16 turned into UTF-8), and the
 * name detection should see (without .gz/.zip). Format detection of a file picked in the desktop's dialog:
 * the page never holds the file, so the core reads its head where the import will read the rest.
 */
export const readFileHead = async (
  path: string,
  signal?: AbortSignal,
): Promise<{ head: Uint8Array; name: string }> => {
  const name = basename(path)
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new AppError('not_found', `${name}: cannot read the file (${e.code ?? e.message})`)
  })
  if (!info.isFile()) throw new AppError('invalid_input', `${name} is not a file`)
  const raw = createReadStream(path, { highWaterMark: DETECT_HEAD_BYTES, signal })
  const decoded = decodeStream(raw, {
    encoding: 'auto',
    maxDecompressedBytes: MAX_LOCAL_DECODED_BYTES,
    label: name,
  })
  const first = await peekBytes(decoded, DETECT_HEAD_BYTES)
  const utf16 = utf16Of(first.head)
  const peeked =
    utf16 === null ? first : await peekBytes(toUtf8(first.stream, utf16), DETECT_HEAD_BYTES)
  // Only the head is wanted: release the file.
  await peeked.stream[Symbol.asyncIterator]().return?.()
  return {
    head: peeked.head.subarray(0, DETECT_HEAD_BYTES),
    name: name.replace(/\.(gz|zip)$/i, ''),
  }
}
