#!/usr/bin/env node
// `npm run dist [-- --linux|--win|--mac] [electron-builder flags]`: the desktop packages (electron-builder.yml).
// Before anything is built or downloaded it checks what packaging needs beyond `npm install`: electron-builder,
// the Electron binary (node_modules/electron/dist, passed to electron-builder as electronDist so it does not
// download Electron again) and better-sqlite3 built for Electron (`npm run rebuild:electron`). When something is
// missing it says what, why and the command that fixes it, and exits non-zero.
//
// Packages are built for the machine's own OS (a CI matrix of Linux, Windows and macOS runners builds all
// three): the better-sqlite3 binding in .electron-native/ is native code for this OS and CPU only, and a dmg can
// only be made on macOS. Asking for another OS's package stops with that explanation.
//
// Runs under tsx (see package.json) so that it finds Electron and the binding with the app's own code.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  ELECTRON_NATIVE_DIR,
  ELECTRON_NATIVE_META_FILE,
  resolveElectronNativeBinding,
} from '../src/main/core/platform/native-binding.ts'
import { findElectronBinary } from '../src/main/desktop/electron-binary.ts'
import { upscalePng } from './icon-upscale.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const PLATFORMS = {
  linux: { flags: ['--linux', '-l'], label: 'Linux (AppImage, deb)', os: 'linux' },
  win: { flags: ['--win', '-w', '--windows'], label: 'Windows (NSIS)', os: 'win32' },
  mac: { flags: ['--mac', '-m', '--macos', '-o'], label: 'macOS (dmg)', os: 'darwin' },
}

const args = process.argv.slice(2)
const hostPlatform = Object.keys(PLATFORMS).find((p) => PLATFORMS[p].os === process.platform)
const requested = Object.keys(PLATFORMS).filter((p) =>
  args.some((a) => PLATFORMS[p].flags.includes(a)),
)
const platforms = requested.length > 0 ? requested : hostPlatform ? [hostPlatform] : []
const passThrough = args.filter((a) => !Object.values(PLATFORMS).some((p) => p.flags.includes(a)))

const problems = []

if (platforms.length === 0) {
  problems.push([
    `This OS (${process.platform}) has no package target; name one: --linux, --win or --mac.`,
  ])
}
for (const p of platforms.filter((p) => p !== hostPlatform)) {
  problems.push([
    `A ${PLATFORMS[p].label} package cannot be built on ${process.platform}.`,
    `The better-sqlite3 binding the app loads (${ELECTRON_NATIVE_DIR}/) is native code compiled for this OS only,`,
    `${p === 'mac' ? 'and a dmg can only be made on macOS; ' : ''}build it on that OS instead:`,
    '    npm install && npm run rebuild:electron && npm run dist',
  ])
}

const requireFromRoot = createRequire(join(root, 'package.json'))
let builderCli
try {
  builderCli = requireFromRoot.resolve('electron-builder/cli.js')
} catch {
  problems.push([
    'electron-builder is not installed (it is a devDependency). Fix:',
    '    npm install',
  ])
}

const electronPackageDir = join(root, 'node_modules', 'electron')
const electronVersion = existsSync(join(electronPackageDir, 'package.json'))
  ? JSON.parse(readFileSync(join(electronPackageDir, 'package.json'), 'utf8')).version
  : 'unknown'
const electron = findElectronBinary({ packageDir: electronPackageDir, env: process.env })
if (!electron.available) {
  problems.push([
    `The Electron ${electronVersion} binary is not available: ${electron.reason}.`,
    'Every package contains it, and electron-builder would otherwise try to download it from GitHub, which',
    'needs internet access. Fix, on a connected machine (or copy node_modules/electron/dist from one):',
    '    npx install-electron',
  ])
}

// env: {} because the package must carry the binding itself: $THREATEYE_NATIVE_BINDING only redirects a
// running app, it puts nothing into the package.
const binding = resolveElectronNativeBinding({ appRoot: root, env: {} })
const metaFile = join(root, ELECTRON_NATIVE_DIR, ELECTRON_NATIVE_META_FILE)
if (!binding) {
  problems.push([
    `better-sqlite3 has not been built for Electron (${ELECTRON_NATIVE_DIR}/ has no binding).`,
    'The package ships that build, unpacked from the asar; the copy in node_modules is built for Node and',
    'cannot load in Electron. Fix (needs internet access once, for the Electron headers):',
    '    npm run rebuild:electron',
  ])
} else if (existsSync(metaFile)) {
  const meta = JSON.parse(readFileSync(metaFile, 'utf8'))
  if (meta.electronVersion !== electronVersion) {
    problems.push([
      `${ELECTRON_NATIVE_DIR}/ holds better-sqlite3 built for Electron ${meta.electronVersion}, but Electron ${electronVersion} is installed. Fix:`,
      '    npm run rebuild:electron',
    ])
  }
}

if (problems.length > 0) {
  console.error('\ndist: the desktop packages cannot be built on this machine yet.\n')
  problems.forEach((lines, i) => console.error(`${i + 1}. ${lines.join('\n   ')}\n`))
  console.error('Nothing was built or downloaded.')
  process.exit(1)
}

const run = (label, file, argv) => {
  console.log(`dist: ${label}`)
  const result = spawnSync(process.execPath, [file, ...argv], { cwd: root, stdio: 'inherit' })
  return result.status ?? 1
}

if (
  run(
    'building (electron-vite build)…',
    join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    ['build'],
  ) !== 0
) {
  console.error('\ndist: the build failed (output above).')
  process.exit(1)
}

// The unpacked Electron directory: dist/ for Linux and Windows, the folder holding Electron.app on macOS.
const appBundle = electron.path.indexOf('.app/')
const electronDist =
  appBundle >= 0 ? dirname(electron.path.slice(0, appBundle + 4)) : dirname(electron.path)

const config = [`-c.electronDist=${electronDist}`]
if (platforms.includes('mac')) {
  // icns needs a 512x512 source; resources/icon.png is 256x256.
  const macIcon = join(mkdtempSync(join(tmpdir(), 'threateye-icon-')), 'icon-512.png')
  writeFileSync(
    macIcon,
    upscalePng(readFileSync(join(root, 'resources', 'icon.png')), 2, 'resources/icon.png'),
  )
  config.push(`-c.mac.icon=${macIcon}`)
}
const publish = passThrough.some(
  (a) => a === '--publish' || a.startsWith('--publish=') || a === '-p',
)
  ? []
  : ['--publish', 'never']

const code = run(
  `packaging ${platforms.map((p) => PLATFORMS[p].label).join(', ')} (electron-builder)…`,
  builderCli,
  [
    '--config',
    'electron-builder.yml',
    ...platforms.map((p) => PLATFORMS[p].flags[0]),
    ...config,
    ...publish,
    ...passThrough,
  ],
)
if (code !== 0) {
  console.error(
    [
      '',
      'dist: electron-builder failed (output above).',
      'On its first run it downloads its packaging tools (AppImage and deb tooling, NSIS, the icon converter)',
      'into its cache; offline, that step fails. Run `npm run dist` once on a connected machine, or point',
      'ELECTRON_BUILDER_CACHE at a cache copied from one.',
    ].join('\n'),
  )
  process.exit(code)
}
console.log(`\ndist: packages written to ${join(root, 'release')}`)
