import type { Core } from '#core'

/** Where a command writes and what it may read of its environment: tests pass their own. */
export type CliIo = {
  stdout(text: string): void
  stderr(text: string): void
  env: NodeJS.ProcessEnv
  cwd: string
  /** Aborted on Ctrl-C so a long import stops cleanly. */
  signal: AbortSignal
  /** Standard input, for commands that read a text when given no file (`extract`). */
  stdin?: AsyncIterable<Uint8Array | string>
}

export type OptionSpec = {
  type: 'string' | 'boolean'
  multiple?: boolean
  short?: string
  /** Placeholder shown in help (`--type T`). */
  arg?: string
  description: string
}

export type ArgValue = string | boolean | string[] | undefined
export type ParsedArgs = { positionals: string[]; values: Record<string, ArgValue> }

export type CommandSpec = {
  /** Words that select the command: ['indicators', 'add']. */
  path: readonly string[]
  /** Positionals as shown in help: '<value>'. */
  args: string
  summary: string
  options: Readonly<Record<string, OptionSpec>>
  positionals: { min: number; max: number }
  run(args: ParsedArgs, io: CliIo): Promise<number>
}

export type CoreRunner = <T>(
  dataDir: string,
  io: CliIo,
  fn: (core: Core) => Promise<T>,
) => Promise<T>

/** Exit codes: scripts branch on these. */
export const EXIT_OK = 0
export const EXIT_ERROR = 1
export const EXIT_USAGE = 2

/** A mistake in how the command was typed: exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}
