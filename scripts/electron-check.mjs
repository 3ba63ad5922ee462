#!/usr/bin/env node
// `npm run lint:electron`: Electronegativity over the sources, failing on any finding of medium severity or
// above and listing each one. Its command line always exits 0 whatever it finds, so it is run through its
// programmatic API here and the findings are judged by this script.
//
// Offline and quiet on purpose: the tool fetches updated translations and Electron's release list over the
// network on every run. Its HTTP client is replaced by one that refuses at once (it falls back to the
// translations it ships), the Electron version comes from the installed electron package instead of being
// looked up, and the one check that needs the release list (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK: is there a
// newer Electron with security fixes?) is left out: that is a question about the registry, not about this code.
//
// Usage: node scripts/electron-check.mjs [--input DIR] (default: src)

import Module, { createRequire } from 'node:module'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const root = resolve(import.meta.dirname, '..')
const { values: args } = parseArgs({ options: { input: { type: 'string', default: 'src' } } })
const input = resolve(root, args.input)
if (!existsSync(input)) {
  console.error(`electron-check: ${input} does not exist`)
  process.exit(2)
}

const require = createRequire(join(root, 'package.json'))
const electronVersion = JSON.parse(
  readFileSync(require.resolve('electron/package.json'), 'utf8'),
).version

// The tool's own `got`, resolved from where the tool loads it, answered from the module cache.
const toolEntry = require.resolve('@doyensec/electronegativity')
const gotPath = createRequire(toolEntry).resolve('got')
const refuse = () => Promise.reject(new Error('electron-check runs offline'))
const offlineGot = new Module(gotPath)
offlineGot.filename = gotPath
offlineGot.loaded = true
offlineGot.exports = {
  __esModule: true,
  default: Object.assign(refuse, { head: refuse, get: refuse }),
}
require.cache[gotPath] = offlineGot

// The translations fallback announces itself on stdout; nothing else the tool prints without its CLI matters.
const log = console.log
console.log = (...parts) => {
  if (!String(parts[0]).startsWith('Could not retrieve updated translations')) log(...parts)
}
let result
try {
  const run = require('@doyensec/electronegativity')
  result = await run({
    input,
    electronVersionOverride: electronVersion,
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    isRelative: false,
  })
} finally {
  console.log = log
}

const MEDIUM = 2
const where = (issue) =>
  `${relative(root, issue.file)}:${issue.location.line}:${issue.location.column}`
const failing = result.issues.filter((issue) => issue.severity.value >= MEDIUM)
const unparsed = result.errors.filter((error) => !error.tolerable)
const below = result.issues.length - failing.length

for (const issue of failing) {
  console.error(
    `${where(issue)}  ${issue.id} (${issue.severity.name}, ${issue.confidence.name})\n    ${issue.description} ${issue.shortenedURL}`,
  )
}
// A file the tool could not parse is a file it did not check.
for (const error of unparsed) {
  console.error(`${relative(root, error.file)}  not checked: ${error.message}`)
}

const summary =
  `electronegativity (Electron ${electronVersion}) over ${relative(root, input) || '.'}: ` +
  `${failing.length} high or medium, ${below} low or informational (not failing)` +
  (unparsed.length > 0 ? `, ${unparsed.length} file(s) it could not parse` : '')
if (failing.length > 0 || unparsed.length > 0) {
  console.error(summary)
  process.exit(1)
}
console.log(summary)
