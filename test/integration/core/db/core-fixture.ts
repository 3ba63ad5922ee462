import { expect } from 'vitest'
import { AppError } from '#shared/contract'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '#core/create-core'
import { createFixedClock } from '#core/platform/clock'
import { createMemoryLogger } from '#core/platform/logger'
import { createMemorySecretStore } from '#core/platform/secret-store'

export type TestCore = {
  core: Core
  dir: string
  clock: ReturnType<typeof createFixedClock>
  logger: ReturnType<typeof createMemoryLogger>
  /** Stops the core and removes its directory. */
  dispose(): Promise<void>
}

export const T0 = '2025-11-21T10:00:00.000Z'

/** A real core on a fresh temp directory, with a hand-moved clock and output validation on. */
export const openTestCore = async (dir = mkdtempSync(join(tmpdir(), 'te-'))): Promise<TestCore> => {
  const clock = createFixedClock(T0)
  const logger = createMemoryLogger()
  const core = await createCore({
    dataDir: dir,
    clock,
    logger,
    secrets: createMemorySecretStore(),
    validateOutput: true,
  })
  return {
    core,
    dir,
    clock,
    logger,
    dispose: async () => {
      await core.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

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
