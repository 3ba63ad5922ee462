import type { Method, Out } from '#shared/contract'
import { createCore, createLogger, localActor, unwrap, type CallContext, type Core } from '#core'
import type { CliIo } from './cli-types'

/**
 * Opens the core on a data directory for one command and always closes it: the WAL is folded back and the
 * next process (or the desktop app) finds a clean database. Only warnings reach stderr: stdout is the
 * command's output and must stay parseable.
 *
 * A one-shot command never calls core.start(), which would arm the feed schedule in a process about to
 * exit. It does close the runs whose process is gone (an earlier CLI import that was killed); runs of a
 * `serve` or desktop process working on the same data are theirs and stay untouched.
 */
export const withCore = async <T>(
  dataDir: string,
  io: CliIo,
  fn: (core: Core) => Promise<T>,
): Promise<T> => {
  const core = await createCore({
    dataDir,
    logger: createLogger({ level: 'warn', write: (line) => io.stderr(line + '\n') }),
    feeds: { schedule: false },
  })
  try {
    await core.recoverRuns()
    return await fn(core)
  } finally {
    await core.stop()
  }
}

/** The context CLI calls carry: handlers see who called, and Ctrl-C aborts them. */
export const cliContext = (io: CliIo): CallContext => ({
  caller: 'cli',
  actor: localActor(),
  signal: io.signal,
})

/**
 * Calls a method with input built from command-line text. It goes through the dispatcher, not a typed
 * handler call, because the strings are untrusted input: the contract validates them exactly as it would a
 * request, and its message names the option's field.
 */
export const callFromCli = async <K extends Method>(
  core: Core,
  io: CliIo,
  method: K,
  input: unknown,
): Promise<Out<K>> => unwrap<K>(await core.dispatch(method, input, cliContext(io)))
