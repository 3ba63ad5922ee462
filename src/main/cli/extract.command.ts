import { open } from 'node:fs/promises'
import { resolve } from 'node:path'
import { AppError } from '#shared/contract/errors'
import { EXTRACT_KINDS, type ExtractKind } from '#shared/domain'
import { extractFromFile } from '#core'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, stringsOpt } from './args'
import { EXIT_OK, UsageError, type CliIo, type CommandSpec } from './cli-types'
import { formatTable, toJsonLine } from './format'

/** Larger inputs are refused: the scan holds the whole text, and a report is far smaller than this. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024

const tooBig = (what: string): AppError =>
  new AppError(
    'payload_too_large',
    `${what} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB: split it, or import it as a feed`,
  )

/** The whole of a file, bounded. */
const readFileBytes = async (path: string): Promise<Buffer> => {
  let handle
  try {
    handle = await open(path, 'r')
  } catch {
    throw new AppError('not_found', `No such file: ${path}`)
  }
  try {
    const { size } = await handle.stat()
    if (size > MAX_INPUT_BYTES) throw tooBig(path)
    return await handle.readFile()
  } finally {
    await handle.close()
  }
}

const readStdin = async (io: CliIo): Promise<Buffer> => {
  if (io.stdin === undefined) throw new UsageError('give a file, or pipe the text in')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of io.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk)
    size += b.length
    if (size > MAX_INPUT_BYTES) throw tooBig('standard input')
    chunks.push(b)
  }
  return Buffer.concat(chunks)
}

const kindsOf = (values: string[]): ExtractKind[] | undefined => {
  const kinds = values
    .flatMap((v) => v.split(','))
    .map((k) => k.trim())
    .filter(Boolean)
  if (kinds.length === 0) return undefined
  for (const k of kinds) {
    if (!(EXTRACT_KINDS as readonly string[]).includes(k)) {
      throw new UsageError(`--kind: '${k}' is not one of ${EXTRACT_KINDS.join(', ')}`)
    }
  }
  return kinds as ExtractKind[]
}

export const extractCommand: CommandSpec = {
  path: ['extract'],
  args: '[file]',
  summary:
    'List the indicators in a text or file (a report, a chat log, .txt/.md/.html/.eml/.pdf, told apart by extension and content; standard input when no file is given): refanged, typed and canonical, with the line each came from. Nothing is stored',
  options: {
    json: JSON_OPTION,
    // Extraction reads no data, but every command takes --data-dir (README): scripts pass it everywhere.
    'data-dir': DATA_DIR_OPTION,
    kind: {
      type: 'string',
      multiple: true,
      arg: 'K',
      description: `only these kinds (repeat or comma-separate): ${EXTRACT_KINDS.join(', ')}`,
    },
    'no-url-hosts': {
      type: 'boolean',
      description: "do not also list a URL's host as a domain or IP",
    },
  },
  positionals: { min: 0, max: 1 },
  run: async (args, io) => {
    const file = args.positionals[0]
    const bytes =
      file === undefined ? await readStdin(io) : await readFileBytes(resolve(io.cwd, file))
    // The command reads what the machine can hold; the contract's smaller text limit is for callers over
    // a transport.
    const result = await extractFromFile(
      bytes,
      file ?? 'standard input',
      { kinds: kindsOf(stringsOpt(args, 'kind')), urlHosts: !boolOpt(args, 'no-url-hosts') },
      MAX_INPUT_BYTES,
    )
    if (boolOpt(args, 'json')) {
      io.stdout(toJsonLine(result))
    } else {
      io.stdout(
        formatTable(
          ['LINE', 'KIND', 'VALUE', 'SEEN'],
          result.items.map((i) => [String(i.line), i.kind, i.value, String(i.count)]),
          200,
        ),
      )
      const n = result.items.length
      io.stderr(`${n} distinct indicator${n === 1 ? '' : 's'}\n`)
    }
    if (result.note !== undefined) io.stderr(`${result.note}\n`)
    if (result.truncated && result.note === undefined) {
      io.stderr(`Stopped after ${result.items.length} distinct indicators: the rest was not read\n`)
    }
    return EXIT_OK
  },
}
