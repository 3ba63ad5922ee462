#!/usr/bin/env node
// `npm start`: build, check that the two things the desktop needs beyond `npm install` are present (Electron's
// binary, and better-sqlite3 built for Electron's ABI), then run the built app with `electron-vite preview`.
// When something is missing it says what and the exact command that fixes it, instead of a stack trace from
// inside Electron.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)

console.log('start: building (electron-vite build)…')
const build = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' })
if (build.status !== 0) {
  console.error('\nstart: the build failed (output above); fix it and run `npm start` again.')
  process.exit(build.status ?? 1)
}

const problems = []

// require('electron') returns the binary's path, downloading it on first use. Offline that download fails and
// the package throws: catch it and explain.
const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
).version
try {
  const electronPath = createRequire(join(root, 'package.json'))('electron')
  if (typeof electronPath !== 'string' || !existsSync(electronPath)) {
    throw new Error(`electron resolved to ${String(electronPath)}, which does not exist`)
  }
} catch (error) {
  problems.push([
    `The Electron ${electronVersion} binary is not available (${error instanceof Error ? error.message.split('\n')[0] : String(error)}).`,
    'It is downloaded from GitHub on first use, which needs internet access. Fix, on a connected machine:',
    '    npx install-electron',
  ])
}

const binding = join(root, '.electron-native', 'better_sqlite3.node')
const metaFile = join(root, '.electron-native', 'better_sqlite3.json')
if (!existsSync(binding)) {
  problems.push([
    `better-sqlite3 has not been built for Electron (${binding} is missing).`,
    'The copy in node_modules is built for Node (tests, CLI, `npm run serve`) and cannot load in Electron. Fix:',
    '    npm run rebuild:electron',
    '(needs internet access once, to fetch the Electron headers; the Node build is left as it is).',
  ])
} else if (existsSync(metaFile)) {
  const meta = JSON.parse(readFileSync(metaFile, 'utf8'))
  if (meta.electronVersion !== electronVersion) {
    problems.push([
      `.electron-native/better_sqlite3.node was built for Electron ${meta.electronVersion}, but Electron ${electronVersion} is installed. Fix:`,
      '    npm run rebuild:electron',
    ])
  }
}

if (problems.length > 0) {
  console.error('\nstart: the desktop app cannot run on this machine yet.\n')
  problems.forEach((lines, i) => console.error(`${i + 1}. ${lines.join('\n   ')}\n`))
  console.error('The browser version needs neither: `npm run serve`, then open the URL it prints.')
  process.exit(1)
}

console.log('start: launching (electron-vite preview --skipBuild)…')
const child = spawn(bin('electron-vite'), ['preview', '--skipBuild'], {
  cwd: root,
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
