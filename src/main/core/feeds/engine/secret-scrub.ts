import type { FeedAuthInput } from '#shared/contract/feeds.contract'
import type { LogFields, Logger } from '#core/platform/logger'

export type Scrub = (text: string) => string

const REDACTED = '[redacted]'

/**
 * Defence in depth for feed credentials: the logger already drops secret-looking keys, but a key that sits
 * in a URL path (PhishTank) or is echoed in an error message would pass through. Every string a run logs or
 * records goes through this, with the literal secret values replaced.
 */
export const scrubberFor = (auth: FeedAuthInput | undefined): Scrub => {
  const values: string[] = []
  if (auth?.kind === 'header' || auth?.kind === 'url') values.push(auth.value)
  if (auth?.kind === 'basic') {
    values.push(auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64'))
  }
  const needles = [...new Set(values.flatMap((v) => [v, encodeURIComponent(v)]))].filter(
    (v) => v.length >= 4,
  )
  if (needles.length === 0) return (s) => s
  return (s) => needles.reduce((acc, n) => (acc.includes(n) ? acc.split(n).join(REDACTED) : acc), s)
}

const scrubFields = (fields: LogFields | undefined, scrub: Scrub): LogFields | undefined => {
  if (!fields) return fields
  const text = JSON.stringify(fields, (_k, v: unknown) =>
    v instanceof Error ? { name: v.name, message: v.message } : v,
  )
  const clean = scrub(text)
  return clean === text ? fields : (JSON.parse(clean) as LogFields)
}

export const scrubbingLogger = (logger: Logger, scrub: Scrub): Logger => ({
  debug: (m, f) => logger.debug(scrub(m), scrubFields(f, scrub)),
  info: (m, f) => logger.info(scrub(m), scrubFields(f, scrub)),
  warn: (m, f) => logger.warn(scrub(m), scrubFields(f, scrub)),
  error: (m, f) => logger.error(scrub(m), scrubFields(f, scrub)),
  child: (f) => scrubbingLogger(logger.child(scrubFields(f, scrub) ?? {}), scrub),
})
