import { z } from 'zod'
import { AppError } from '#shared/contract/errors'
import {
  IOC_TYPES,
  type ParseResult,
  canonicalize,
  listCandidate,
  parseIndicator,
  pickMode,
} from '#shared/domain'
import { extractIndicators } from '#core/extract/extract-indicators'
import type { FormatParser } from '../feed-types'
import { LineSplitter, type LineSink, decodeText } from './line-splitter'
import { Batcher, type CommonParseOptions, rejectItem } from './parse-support'

export const TextOptionsSchema = z.object({
  /** 'list': one value per line; 'text': extract from prose; 'auto' (default): decided on the first lines. */
  mode: z.enum(['auto', 'list', 'text']).default('auto'),
  /** Force (list) or keep only (text) this type. */
  type: z.enum(IOC_TYPES).optional(),
})
export type TextOptions = z.input<typeof TextOptionsSchema>

/** Validates text options; AppError('invalid_input') names the bad option. */
export const readTextOptions = (raw: unknown): z.output<typeof TextOptionsSchema> => {
  const parsed = TextOptionsSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  throw new AppError(
    'invalid_input',
    `options.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
  )
}

/** Lines looked at before 'auto' decides; the same sample size the domain's pickMode uses. */
const SAMPLE_LINES = 200

type Pending = { text: string; line: number }

/**
 * Plain text: a list of values (one per line, comments and bullets allowed) or any text to extract
 * indicators from, defanged spellings included. Line numbers are global across chunks; 'auto' decides
 * once on the first lines, so a long file never switches mode halfway.
 */
export const parseText: FormatParser<CommonParseOptions & TextOptions> = async function* (
  input,
  options,
) {
  const parsed = TextOptionsSchema.safeParse(options)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError(
      'invalid_input',
      `options.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    )
  }
  const { type } = parsed.data
  let mode: 'list' | 'text' | undefined = parsed.data.mode === 'auto' ? undefined : parsed.data.mode
  const stats = options.stats
  const out = new Batcher()
  const pending: Pending[] = []
  let contentLines = 0

  const emit = (line: number, raw: string, result: ParseResult): void => {
    if (result.ok) {
      out.push({ kind: 'record', record: { line, value: result.value, type: result.type } })
    } else {
      out.push(rejectItem(line, raw, result.reason))
    }
  }
  const handle = (textOf: string, line: number, m: 'list' | 'text'): void => {
    if (textOf.includes('\u0000')) {
      out.push(rejectItem(line, textOf.replaceAll('\u0000', '\\0'), 'the line holds a NUL byte'))
      return
    }
    if (m === 'list') {
      const raw = listCandidate(textOf, type)
      if (raw === null) {
        if (stats) stats.skipped++
        return
      }
      emit(line, raw, type === undefined ? parseIndicator(raw) : canonicalize(type, raw))
      return
    }
    // One line at a time: the line number is ours (global), not the extractor's.
    for (const hit of extractIndicators(textOf, { mode: 'text', type }))
      emit(line, hit.raw, hit.result)
  }
  const decide = (): 'list' | 'text' => {
    const m = pickMode(pending.map((p) => p.text).join('\n'))
    for (const p of pending) handle(p.text, p.line, m)
    pending.length = 0
    return m
  }
  const sink: LineSink = {
    line(textOf, line) {
      if (mode !== undefined) return handle(textOf, line, mode)
      pending.push({ text: textOf, line })
      if (textOf.trim() !== '') contentLines++
      // Blank lines count too (bounded), so a file of blank lines cannot grow the sample forever.
      if (contentLines >= SAMPLE_LINES || pending.length >= SAMPLE_LINES * 10) mode = decide()
    },
    tooLong(line, head) {
      out.push(
        rejectItem(line, head, `line is longer than ${options.maxLineLength ?? 65536} characters`),
      )
    },
  }
  const splitter = new LineSplitter(options.maxLineLength)
  for await (const textOf of decodeText(input, options.signal)) {
    splitter.push(textOf, sink)
    if (out.full) yield out.take()
  }
  splitter.end(sink)
  if (mode === undefined) mode = decide()
  if (out.size > 0) yield out.take()
}
