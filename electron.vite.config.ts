import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

// One build for everything: out/main (Electron entry + the plain-Node CLI/headless server), out/preload (the
// sandboxed bridge) and out/renderer (served by Electron and, in headless mode, by fastify).
export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/main.ts'),
          // Worker threads (src/main/core/workers/spawn-worker.ts finds them next to the main bundle).
          'bulk-writer': resolve(__dirname, 'src/main/core/db/bulk-worker/bulk-writer.worker.ts'),
          'search-indexer': resolve(__dirname, 'src/main/core/db/search/search-indexer.worker.ts'),
          'pdf-text': resolve(__dirname, 'src/main/core/extract/pdf-text.worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      minify: true,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
      },
    },
  },
})
