import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { defaultDataDir } from '#core'
import {
  UsageError,
  type CliIo,
  type CommandSpec,
  type OptionSpec,
  type ParsedArgs,
} from './cli-types'

export const HELP_OPTION: OptionSpec = {
  type: 'boolean',
  short: 'h',
  description: 'Show this help',
}
export const DATA_DIR_OPTION: OptionSpec = {
  type: 'string',
  arg: 'DIR',
  description: 'Data directory (default: $THREATEYE_DATA_DIR or the per-user data folder)',
}
export const JSON_OPTION: OptionSpec = {
  type: 'boolean',
  description: 'Print JSON instead of a table',
}

/** Parses argv against a command's options. Unknown options and wrong counts are usage errors (exit 2). */
export const parseCommandArgs = (spec: CommandSpec, argv: readonly string[]): ParsedArgs => {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
  > = {}
  for (const [name, o] of Object.entries({ ...spec.options, help: HELP_OPTION })) {
    options[name] = {
      type: o.type,
      ...(o.multiple ? { multiple: true } : {}),
      ...(o.short ? { short: o.short } : {}),
    }
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (e) {
    // parseArgs explains itself ("Unknown option '--x'", "Option '--type <value>' argument missing").
    throw new UsageError(e instanceof Error ? e.message : String(e))
  }
  const values = parsed.values as ParsedArgs['values']
  if (values.help === true) return { positionals: parsed.positionals, values }
  const n = parsed.positionals.length
  if (n < spec.positionals.min) {
    throw new UsageError(`Missing argument: ${spec.args || 'none expected'}`)
  }
  if (n > spec.positionals.max) {
    throw new UsageError(
      `Unexpected argument: ${JSON.stringify(parsed.positionals[spec.positionals.max])}`,
    )
  }
  return { positionals: parsed.positionals, values }
}

export const stringOpt = (args: ParsedArgs, name: string): string | undefined => {
  const v = args.values[name]
  return typeof v === 'string' ? v : undefined
}

export const stringsOpt = (args: ParsedArgs, name: string): string[] => {
  const v = args.values[name]
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
}

export const boolOpt = (args: ParsedArgs, name: string): boolean => args.values[name] === true

export const intOpt = (
  args: ParsedArgs,
  name: string,
  range: { min: number; max: number },
): number | undefined => {
  const v = stringOpt(args, name)
  if (v === undefined) return undefined
  const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new UsageError(
      `--${name} must be a whole number from ${range.min} to ${range.max}, got ${JSON.stringify(v)}`,
    )
  }
  return n
}

export const dataDirOf = (args: ParsedArgs, io: CliIo): string => {
  const given = stringOpt(args, 'data-dir')
  return given ? resolve(io.cwd, given) : defaultDataDir({ env: io.env })
}
