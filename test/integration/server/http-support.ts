import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Core } from '#core/create-core'
import { openCore } from '../../support/test-core'
import { loadOrCreateToken } from '#server/api-token'
import { createHttpServer, type HttpServer, type HttpServerOptions } from '#server/server'
import { createFixedClock } from '#core/platform/clock'

export const FIXED_NOW = '2026-01-15T10:00:00.000Z'

export type TestServer = {
  dir: string
  core: Core
  token: string
  server: HttpServer
  auth: { authorization: string }
  close(): Promise<void>
}

/** A real core on a temp directory and the real HTTP server over it (not listening until a test asks). */
export const startTestServer = async (
  opts: Partial<Omit<HttpServerOptions, 'core' | 'token'>> = {},
): Promise<TestServer> => {
  const { core, dir, logger, dispose } = await openCore({ clock: createFixedClock(FIXED_NOW) })
  const token = loadOrCreateToken(dir)
  const server = createHttpServer({ core, token, logger, ...opts })
  return {
    dir,
    core,
    token,
    server,
    auth: { authorization: `Bearer ${token}` },
    close: async () => {
      await server.close()
      await dispose()
    },
  }
}

/** A stand-in for out/renderer so the static tests do not depend on the vite build. */
export const makeFakeRenderer = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'te-renderer-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="./assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>',
  )
  writeFileSync(
    join(dir, 'assets', 'app-1a2b3c.js'),
    'document.getElementById("root").textContent = "hi"\n',
  )
  writeFileSync(join(dir, '.secret'), 'not for the web')
  return dir
}

export const jsonOf = (body: string): unknown => JSON.parse(body) as unknown

type Json = Record<string, unknown>

/** A REST call through fastify's inject with the token: the status, the parsed body (or null) and the response. */
export const restCall = async (
  t: TestServer,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
) => {
  const res = await t.server.app.inject({
    method,
    url,
    headers: t.auth,
    ...(body === undefined ? {} : { payload: body as Json }),
  })
  return { status: res.statusCode, body: res.body ? (jsonOf(res.body) as Json) : null, res }
}
