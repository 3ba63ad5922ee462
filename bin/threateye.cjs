#!/usr/bin/env -S node --max-old-space-size=224
'use strict'
// The installed `threateye` command: runs the CLI that electron-vite builds into out/main/cli.js. The heap cap
// is the same as `npm run serve`'s: V8 otherwise lets a million-row import's garbage grow the process far past
// what it holds (measured: the same speed with the cap, 150-500 MB less memory); the largest HTTP body (32 MB of
// JSON, 425,793 items) imports fine under it.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write(
    `threateye: the CLI is not built (${cli} is missing).\n` +
      'Run "npm install" (it builds) or "npm run build" in the ThreatEye folder, then try again.\n',
  )
  process.exit(1)
}
require(cli)
