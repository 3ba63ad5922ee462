import { expect } from 'vitest'
import { AppError } from '#shared/contract'
import type { Core } from '#core/create-core'
import { openCore, T0 } from '../../../support/test-core'

export type TestCore = Awaited<ReturnType<typeof openTestCore>>

export { T0 }

/** A real core on a fresh temp directory, with a hand-moved clock and output validation on. */
export const openTestCore = async (dir?: string) => openCore({ dir })

/** EXPLAIN QUERY PLAN of a statement, one detail line per step. */
export const queryPlan = (core: Core, sql: string, params: readonly unknown[]): string[] =>
  (core.db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
    (r) => r.detail,
  )

/** The AppError a call rejects with (the test fails if it resolves or throws something else). */
export const appErrorOf = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  return e as AppError
}
