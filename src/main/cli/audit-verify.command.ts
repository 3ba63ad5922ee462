import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf } from './args'
import { EXIT_ERROR, EXIT_OK, type CommandSpec } from './cli-types'
import { toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

export const auditVerifyCommand: CommandSpec = {
  path: ['audit', 'verify'],
  args: '',
  summary: "Check the change log's hash chain (exit code 1 and the first break when it is broken)",
  options: { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const result = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'audit.verify', {}),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(result))
    const b = result.brokenAt
    if (b === null) {
      if (!boolOpt(args, 'json')) {
        io.stdout(`change log intact: ${result.checked} entries, last seq ${result.lastSeq}\n`)
      }
      return EXIT_OK
    }
    io.stderr(
      `change log broken at seq ${b.seq}: ${b.field} is ${b.found}, expected ${b.expected} ` +
        `(${result.checked} entries before it verified)\n`,
    )
    return EXIT_ERROR
  },
}
