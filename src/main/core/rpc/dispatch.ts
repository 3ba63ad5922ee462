import type { z } from 'zod'
import {
  AppError,
  contract,
  isAppError,
  isMethod,
  type Method,
  type Out,
  type RpcError,
  type RpcResult,
} from '#shared/contract'
import type { Logger } from '../platform/logger'
import type { CallContext, Handlers } from './handlers'

export type Dispatch = (
  method: string,
  input: unknown,
  ctx: CallContext,
) => Promise<RpcResult<unknown>>

/**
 * The one place where a call from any transport is checked and answered. Electron IPC, HTTP and in-process
 * callers all go through it, so validation and error shapes cannot drift between them.
 */
export const createDispatcher = (opts: {
  handlers: Handlers
  logger: Logger
  /** Parse outputs too (tests): catches a handler returning what the contract does not promise. */
  validateOutput?: boolean
}): Dispatch => {
  const { handlers, logger } = opts
  return async (name, rawInput, ctx) => {
    if (!isMethod(name)) {
      return fail({
        code: 'unknown_method',
        message: `Unknown method: ${name}`,
        details: { method: name },
      })
    }
    const spec = contract[name]
    const parsed = spec.input.safeParse(rawInput === undefined ? {} : rawInput)
    if (!parsed.success) return fail(zodToRpcError(parsed.error, name))
    try {
      const handler = handlers[name] as (input: unknown, ctx: CallContext) => Promise<unknown>
      const value = await handler(parsed.data, { ...ctx, method: name })
      if (opts.validateOutput) {
        const out = spec.output.safeParse(value)
        if (!out.success) {
          logger.error('handler output does not match the contract', {
            method: name,
            issues: out.error.issues.slice(0, 5),
          })
          return fail({
            code: 'internal',
            message: `Output of ${name} does not match the contract`,
          })
        }
      }
      return { ok: true, value }
    } catch (e) {
      return fail(toRpcError(e, name, logger))
    }
  }
}

const fail = (error: RpcError): RpcResult<never> => ({ ok: false, error })

export const formatIssuePath = (path: readonly PropertyKey[]): string =>
  path.length === 0
    ? '(input)'
    : path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
        .join('')

export const zodToRpcError = (error: z.ZodError, method: string): RpcError => {
  const issues = error.issues.slice(0, 50).map((i) => ({
    path: formatIssuePath(i.path),
    message: i.message,
    code: i.code,
  }))
  const first = issues[0]
  return {
    code: 'invalid_input',
    message: first
      ? `Invalid input for ${method}: ${first.path}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`
      : `Invalid input for ${method}`,
    details: { issues },
  }
}

export const toRpcError = (e: unknown, method: string, logger: Logger): RpcError => {
  if (isAppError(e)) return e.toJSON()
  if (e instanceof Error && e.name === 'AbortError')
    return { code: 'cancelled', message: `${method} was cancelled` }
  logger.error('handler failed', {
    method,
    error: e instanceof Error ? { message: e.message, stack: e.stack } : String(e),
  })
  return { code: 'internal', message: `Internal error in ${method}` }
}

/** Unwraps a result for in-process callers (tests, CLI): throws the AppError back. */
export const unwrap = <K extends Method>(result: RpcResult<unknown>): Out<K> => {
  if (result.ok) return result.value as Out<K>
  throw new AppError(result.error.code, result.error.message, result.error.details)
}
