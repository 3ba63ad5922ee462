import type { FastifyInstance } from 'fastify'
import { AppError } from '#shared/contract'

/**
 * `"__proto__"` as a key, also spelled with \u escapes. JSON.parse makes it an own property, harmless by itself,
 * but anything that later copies keys onto a plain object (a record schema, a spread) would set a prototype.
 * fastify's default parser refuses these too; we replace it only to name the parse problem in the error.
 */
const SUSPECT_PROTO =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/

const hasProtoKey = (root: unknown): boolean => {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object') continue
    if (Object.hasOwn(v, '__proto__')) return true
    for (const child of Object.values(v)) stack.push(child)
  }
  return false
}

export const parseJsonBody = (text: string): unknown => {
  // An empty body means "no input": `curl -X POST -H 'content-type: application/json' .../system.info` works.
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new AppError('invalid_input', `Malformed JSON body: ${(e as Error).message}`)
  }
  if (SUSPECT_PROTO.test(text) && hasProtoKey(value)) {
    throw new AppError('invalid_input', 'JSON body contains a forbidden "__proto__" key')
  }
  return value
}

/** JSON (with a named parse error) and plain text; any other Content-Type is a 415 from fastify itself. */
export const registerBodyParsers = (app: FastifyInstance): void => {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8')))
    } catch (e) {
      done(e as Error, undefined)
    }
  })
}

export const isJsonContentType = (ct: string | undefined): boolean =>
  ct !== undefined && /^application\/json\s*(;|$)/i.test(ct)

export const isTextContentType = (ct: string | undefined): boolean =>
  ct !== undefined && /^text\/plain\s*(;|$)/i.test(ct)
