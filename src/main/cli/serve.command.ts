import { resolve } from 'node:path'
import { createLogger } from '#core'
import { DATA_DIR_OPTION, dataDirOf, intOpt, stringOpt } from './args'
import { EXIT_OK, type CommandSpec } from './cli-types'

export const serveCommand: CommandSpec = {
  path: ['serve'],
  args: '',
  summary: 'Serve the app and its API on this machine for a browser (Ctrl-C stops)',
  options: {
    host: { type: 'string', arg: 'H', description: 'Address to listen on (default 127.0.0.1)' },
    port: { type: 'string', arg: 'P', description: 'Port (default 4517; 0 picks a free one)' },
    'renderer-dir': {
      type: 'string',
      arg: 'DIR',
      description: 'Built renderer to serve (default out/renderer)',
    },
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const rendererDir = stringOpt(args, 'renderer-dir')
    const { startHeadless } = await import('../server/headless')
    const server = await startHeadless({
      dataDir: dataDirOf(args, io),
      host: stringOpt(args, 'host'),
      port: intOpt(args, 'port', { min: 0, max: 65535 }),
      rendererDir: rendererDir ? resolve(io.cwd, rendererDir) : undefined,
      logger: createLogger({ level: 'info', write: (line) => io.stderr(line + '\n') }),
      print: (line) => io.stdout(line + '\n'),
      handleSignals: true,
    })
    await server.stopped
    return EXIT_OK
  },
}
