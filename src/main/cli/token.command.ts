import { loadOrCreateToken } from '../server/api-token'
import { DATA_DIR_OPTION, dataDirOf } from './args'
import { EXIT_OK, type CommandSpec } from './cli-types'

export const tokenCommand: CommandSpec = {
  path: ['token'],
  args: '',
  summary: 'Print the API token of the local HTTP API (created on first use)',
  options: { 'data-dir': DATA_DIR_OPTION },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    io.stdout(loadOrCreateToken(dataDirOf(args, io)) + '\n')
    return EXIT_OK
  },
}
