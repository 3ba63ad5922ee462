import { expect } from 'vitest'
import { FeedFetchError, type FeedFetchErrorCode, type FetchDeps } from '#core/feeds/http/fetcher'
import { createFixedClock } from '#core/platform/clock'
import { createMemoryLogger } from '#core/platform/logger'

export const CLOCK_START = '2025-06-01T12:00:00.000Z'

/** Deps whose sleep records the requested waits and returns at once (still honouring the signal). */
export const testDeps = (): FetchDeps & {
  sleeps: number[]
  logger: ReturnType<typeof createMemoryLogger>
} => {
  const sleeps: number[] = []
  return {
    logger: createMemoryLogger(),
    clock: createFixedClock(CLOCK_START),
    version: '9.9.9-test',
    random: () => 0.5,
    sleeps,
    sleep: async (ms, signal) => {
      sleeps.push(ms)
      if (signal?.aborted) throw signal.reason
    },
  }
}

export const readAll = async (body: AsyncIterable<Uint8Array>): Promise<Buffer> => {
  const parts: Uint8Array[] = []
  for await (const c of body) parts.push(c)
  return Buffer.concat(parts)
}

export const readText = async (body: AsyncIterable<Uint8Array>): Promise<string> =>
  (await readAll(body)).toString('utf8')

/** Checks that `caught` is a FeedFetchError of `code`; returns it for more assertions. */
export const assertFetchError = (caught: unknown, code: FeedFetchErrorCode): FeedFetchError => {
  if (!(caught instanceof FeedFetchError))
    throw new Error(`expected a FeedFetchError(${code}), got ${String(caught)}`)
  expect(caught.code, caught.message).toBe(code)
  return caught
}

/** Awaits a promise that must reject with a FeedFetchError of `code`; returns it for more assertions. */
export const expectFetchError = async (
  p: Promise<unknown>,
  code: FeedFetchErrorCode,
): Promise<FeedFetchError> => {
  let caught: unknown
  try {
    await p
  } catch (e) {
    caught = e
  }
  return assertFetchError(caught, code)
}
