import { z } from 'zod'

/** Every error that crosses a transport carries one of these codes; HTTP maps them to a status. */
export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  /** A download an API caller asked for would reach loopback, a private network or another special range. */
  'fetch_target_forbidden',
  'unknown_method',
  'payload_too_large',
  'unsupported',
  'cancelled',
  'database_too_new',
  'upstream_failed',
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export const RpcErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.unknown().optional(),
})
export type RpcError = z.infer<typeof RpcErrorSchema>

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError }

/** The one error type our code throws on purpose. Transports turn it into `{ code, message, details }`. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }

  toJSON(): RpcError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError

/** HTTP status per error code, shared by the HTTP transport and the renderer's HTTP client. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  fetch_target_forbidden: 403,
  unknown_method: 404,
  payload_too_large: 413,
  unsupported: 415,
  cancelled: 499,
  database_too_new: 500,
  upstream_failed: 502,
  internal: 500,
}
