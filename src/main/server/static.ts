import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

/** True when `dir` holds a built renderer (out/renderer after `npm run build`). */
export const isRendererDir = (dir: string | undefined): dir is string =>
  dir !== undefined && existsSync(join(dir, 'index.html'))

/**
 * The renderer's files, served without a token: they hold no data (the app fetches data with the token it
 * takes from the URL fragment). Vite fingerprints everything under assets/, so those may be cached for good;
 * index.html must be revalidated so a rebuilt app is picked up.
 */
export const registerRenderer = (app: FastifyInstance, rendererDir: string): void => {
  void app.register(fastifyStatic, {
    root: rendererDir,
    prefix: '/',
    index: ['index.html'],
    wildcard: true,
    dotfiles: 'ignore',
    cacheControl: false,
    setHeaders: (reply, path) => {
      void reply.header(
        'cache-control',
        /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      )
    },
  })
}
