#!/usr/bin/env node
// `npm run rebuild:electron`: builds better-sqlite3 for Electron's ABI into .electron-native/, beside (never
// inside) node_modules/better-sqlite3, whose build/ stays the Node build that tests, the CLI and `npm run serve`
// load. The desktop passes the result to better-sqlite3 as `nativeBinding` (src/main/platform/native-binding.ts).
//
// Why not @electron/rebuild: on a machine whose npm config sets `nodedir`, it silently compiles against Node's
// headers and labels the result as Electron's; and a failed forced rebuild deletes node_modules/better-sqlite3/build
// (docs: /work/shared/reference/toolchain.md §2). Here the copy is built with every npm_config_* variable removed,
// the result is checked for Electron's ABI, and the Node build's checksum is compared before and after.
//
// Options (for tests and unusual setups):
//   --out DIR        where to write better_sqlite3.node (default: <project>/.electron-native)
//   --dist-url URL   where node-gyp fetches Electron headers (default: https://electronjs.org/headers)
//   --devdir DIR     node-gyp's header cache (default: ~/.electron-gyp)

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    'dist-url': { type: 'string' },
    devdir: { type: 'string' },
  },
})
const outDir = resolve(args.out ?? join(root, '.electron-native'))
const distUrl = args['dist-url'] ?? 'https://electronjs.org/headers'
const devDir = resolve(args.devdir ?? join(homedir(), '.electron-gyp'))

const fail = (lines) => {
  console.error(['', 'rebuild:electron FAILED', ...lines.map((l) => `  ${l}`), ''].join('\n'))
  process.exit(1)
}

const sha256 = (file) =>
  existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null

const sourceDir = join(root, 'node_modules', 'better-sqlite3')
const electronPkg = join(root, 'node_modules', 'electron', 'package.json')
if (!existsSync(join(sourceDir, 'package.json')))
  fail(['node_modules/better-sqlite3 is missing: run `npm install` first.'])
if (!existsSync(electronPkg)) fail(['node_modules/electron is missing: run `npm install` first.'])

const electronVersion = JSON.parse(readFileSync(electronPkg, 'utf8')).version
const abiFile = join(root, 'node_modules', 'electron', 'abi_version')
const electronAbi = existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : null
const nodeBuild = join(sourceDir, 'build', 'Release', 'better_sqlite3.node')
const nodeBuildHashBefore = sha256(nodeBuild)

const findNodeGyp = () => {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ]
  try {
    candidates.push(createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'))
  } catch {
    // not installed locally: npm's bundled copy above is the usual one
  }
  return candidates.find((c) => c && existsSync(c))
}
const nodeGyp = findNodeGyp()
if (!nodeGyp)
  fail(['node-gyp was not found (it ships with npm). Run this through `npm run rebuild:electron`.'])

const workDir = join(outDir, 'better-sqlite3')
const nodeBuildDir = join(sourceDir, 'build')
const label = `better-sqlite3 for Electron ${electronVersion}${electronAbi ? ` (ABI ${electronAbi})` : ''}`
console.log(`rebuild:electron: building ${label}`)
console.log(
  `  source copy: ${relative(root, workDir) || workDir}   headers: ${distUrl}   cache: ${devDir}`,
)

const outDirExisted = existsSync(outDir)
rmSync(workDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
// The copy leaves out build/: the Node build is not needed and must not be at risk.
cpSync(sourceDir, workDir, {
  recursive: true,
  filter: (src) => src !== nodeBuildDir && !src.startsWith(nodeBuildDir + '/'),
})

// Only our explicit flags reach node-gyp: npm's `nodedir` (set on this kind of machine) would make it build
// against Node's headers while claiming Electron's target.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^npm_config_|^npm_package_config_node_gyp_/i.test(k),
  ),
)
const gypArgs = [
  nodeGyp,
  'rebuild',
  '--release',
  `--target=${electronVersion}`,
  `--dist-url=${distUrl}`,
  '--runtime=electron',
  `--devdir=${devDir}`,
]

const tail = []
const code = await new Promise((resolveExit) => {
  const child = spawn(process.execPath, gypArgs, {
    cwd: workDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (stream, sink) =>
    stream.on('data', (chunk) => {
      sink.write(chunk)
      tail.push(...chunk.toString('utf8').split('\n'))
      if (tail.length > 200) tail.splice(0, tail.length - 200)
    })
  keep(child.stdout, process.stdout)
  keep(child.stderr, process.stderr)
  child.on('error', (e) => {
    tail.push(String(e))
    resolveExit(1)
  })
  child.on('close', (c) => resolveExit(c ?? 1))
})

const nodeBuildUntouched = sha256(nodeBuild) === nodeBuildHashBefore
const nodeBuildNote = nodeBuildUntouched
  ? 'node_modules/better-sqlite3/build (the Node build used by tests, the CLI and `npm run serve`) is untouched.'
  : 'WARNING: node_modules/better-sqlite3/build changed during the rebuild; run `npm rebuild better-sqlite3`.'

if (code !== 0) {
  rmSync(workDir, { recursive: true, force: true })
  // Leave no empty .electron-native/ behind: its presence would suggest a build exists.
  if (!outDirExisted) rmSync(outDir, { recursive: true, force: true })
  const output = tail.join('\n')
  const network =
    /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|getaddrinfo|network|\b40[34]\b|tunneling socket/i
  fail([
    `Could not build ${label}.`,
    network.test(output)
      ? `node-gyp could not download the Electron headers from ${distUrl} (this step needs internet access once; they are cached in ${devDir}).`
      : `node-gyp exited with code ${code}; its output is above.`,
    nodeBuildNote,
    existsSync(join(outDir, 'better_sqlite3.node'))
      ? `The previous Electron build in ${outDir} was kept.`
      : 'No Electron build was written, so the desktop app (`npm start`) cannot open its database yet.',
    'Fix: run `npm run rebuild:electron` again on a machine with internet access.',
  ])
}

const built = join(workDir, 'build', 'Release', 'better_sqlite3.node')
if (!existsSync(built))
  fail([`node-gyp reported success but ${built} does not exist.`, nodeBuildNote])
const binary = readFileSync(built).toString('latin1')
if (electronAbi && !binary.includes(`node_register_module_v${electronAbi}`)) {
  rmSync(workDir, { recursive: true, force: true })
  const nodeAbi = process.versions.modules
  fail([
    `The result is not built for Electron's ABI ${electronAbi}` +
      (binary.includes(`node_register_module_v${nodeAbi}`)
        ? ` (it carries Node's ABI ${nodeAbi}: Node headers were used).`
        : '.'),
    'It was not installed.',
    nodeBuildNote,
  ])
}

const target = join(outDir, 'better_sqlite3.node')
cpSync(built, `${target}.tmp`)
renameSync(`${target}.tmp`, target)
writeFileSync(
  join(outDir, 'better_sqlite3.json'),
  JSON.stringify(
    { electronVersion, abi: electronAbi ?? 'unknown', builtAt: new Date().toISOString() },
    null,
    2,
  ) + '\n',
)
rmSync(workDir, { recursive: true, force: true })
console.log(`\nrebuild:electron: wrote ${target} (${label}).`)
console.log(`  ${nodeBuildNote}`)
if (!nodeBuildUntouched) process.exit(1)
