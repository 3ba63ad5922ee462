import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Worker, type ResourceLimits } from 'node:worker_threads'

/**
 * Starts one of the main process's worker threads (the bulk writer, the search indexer).
 *
 * Built app (electron-vite, `out/main`): every worker is its own entry, `out/main/<name>.js`, listed in
 * electron.vite.config.ts. From source (vitest, the tsx-run benchmarks) there is no such file: a two-line
 * bootstrap registers tsx in the new thread and requires the TypeScript entry. Nothing else differs, so the
 * tests run the same worker code the app ships.
 */
export type WorkerEntry = {
  /** Basename of the built entry in out/main (`bulk-writer` → out/main/bulk-writer.js). */
  name: string
  /** Absolute path of the TypeScript entry, used when running from source. */
  source: string
}

/** Where the built entries are: next to the main bundle (cli.js, index.js), or one level up from a chunk. */
const builtEntry = (name: string): string | null => {
  const roots = [__dirname, dirname(__dirname)]
  for (const root of roots) {
    const file = join(root, `${name}.js`)
    if (existsSync(file)) return file
  }
  return null
}

const TSX_BOOTSTRAP = `require('tsx/cjs/api').register();
require(require('node:worker_threads').workerData.__entry);`

export const spawnWorker = (
  entry: WorkerEntry,
  workerData: Record<string, unknown>,
  resourceLimits?: ResourceLimits,
): Worker => {
  const built = __filename.endsWith('.ts') ? null : builtEntry(entry.name)
  if (built !== null) return new Worker(built, { workerData, resourceLimits })
  if (!existsSync(entry.source)) {
    throw new Error(
      `worker ${entry.name}: neither a built entry nor its source ${entry.source} exists`,
    )
  }
  return new Worker(TSX_BOOTSTRAP, {
    eval: true,
    workerData: { ...workerData, __entry: entry.source },
    resourceLimits,
  })
}
