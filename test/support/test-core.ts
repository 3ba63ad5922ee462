import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core, type CoreOptions } from '#core/create-core'
import type { Clock } from '#core/platform/clock'
import { createFixedClock } from '#core/platform/clock'
import { createMemoryLogger, type Logger } from '#core/platform/logger'
import { createMemorySecretStore } from '#core/platform/secret-store'

/**
 * The one way a test builds a core: a real core on a fresh temp directory, with a clock the test controls,
 * a memory logger it can read, in-memory secrets, output validation on and no feed timers (a scheduled feed
 * must never reach the internet from a test). Every support module (the HTTP server, the feed engine, the
 * browser harnesses) builds on this instead of calling createCore itself.
 */
export type TestCoreOptions = Partial<Omit<CoreOptions, 'dataDir' | 'clock' | 'logger'>> & {
  /** An existing directory (e.g. to reopen a core); a fresh temp directory otherwise. */
  dir?: string
  /** A clock; a fixed clock at T0 (moved by the test) otherwise. */
  clock?: Clock
  logger?: Logger
  /** Start the core's background engines (feed scheduler, ...) before returning. */
  start?: boolean
}

export type TestCore<C extends Clock = Clock, L extends Logger = Logger> = {
  core: Core
  dir: string
  clock: C
  logger: L
  /** Stops the core and removes its directory. */
  dispose: () => Promise<void>
}

export const T0 = '2025-11-21T10:00:00.000Z'

type FixedClock = ReturnType<typeof createFixedClock>
type MemoryLogger = ReturnType<typeof createMemoryLogger>

export const openCore = async <C extends Clock = FixedClock, L extends Logger = MemoryLogger>(
  opts: TestCoreOptions & { clock?: C; logger?: L } = {},
): Promise<TestCore<C, L>> => {
  const { dir: given, clock: givenClock, logger: givenLogger, start, ...rest } = opts
  const dir = given ?? mkdtempSync(join(tmpdir(), 'te-'))
  // The defaults are the type parameters' defaults; TypeScript cannot see that through the generics.
  const clock = givenClock ?? (createFixedClock(T0) as Clock as C)
  const logger = givenLogger ?? (createMemoryLogger() as Logger as L)
  const core = await createCore({
    secrets: createMemorySecretStore(),
    validateOutput: true,
    ...rest,
    feeds: { schedule: false, ...rest.feeds },
    dataDir: dir,
    clock,
    logger,
  })
  if (start) await core.start()
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
