import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/.tmp holds scratch output (screenshots, probe files) and is never part of the suite.
    exclude: ['test/.tmp/**', 'node_modules/**', 'out/**'],
    environment: 'node',
    // Two cores: SQLite files, fastify servers and Chromium run in parallel workers but not too many.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    setupFiles: ['test/support/setup.ts'],
  },
})
