export type LogFields = Record<string, unknown>
export type Logger = {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  child(fields: LogFields): Logger
}

type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** Keys whose values never reach a log line, whatever the caller passes (API keys, tokens, auth headers). */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|auth(orization)?|cookie|credential/i

export const redact = (fields: LogFields | undefined): LogFields | undefined => {
  if (!fields) return fields
  const out: LogFields = {}
  for (const [k, v] of Object.entries(fields)) {
    out[k] = SECRET_KEY.test(k)
      ? '[redacted]'
      : v instanceof Error
        ? { name: v.name, message: v.message }
        : v
  }
  return out
}

/** JSON lines on stderr (stdout belongs to the CLI's output). */
export const createLogger = (
  opts: { level?: Level; base?: LogFields; write?: (line: string) => void } = {},
): Logger => {
  const min = ORDER[opts.level ?? 'info']
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'))
  const make = (base: LogFields): Logger => {
    const log = (level: Level) => (message: string, fields?: LogFields) => {
      if (ORDER[level] < min) return
      write(
        JSON.stringify({ t: new Date().toISOString(), level, message, ...base, ...redact(fields) }),
      )
    }
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (fields) => make({ ...base, ...redact(fields) }),
    }
  }
  return make(redact(opts.base) ?? {})
}

/** For tests and embedding: collects lines instead of printing them. */
export const createMemoryLogger = (): Logger & { lines: string[] } => {
  const lines: string[] = []
  const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) })
  return Object.assign(logger, { lines })
}
