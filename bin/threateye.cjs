#!/usr/bin/env node
'use strict'
// The installed `threateye` command: runs the CLI that electron-vite builds into out/main/cli.js.
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
