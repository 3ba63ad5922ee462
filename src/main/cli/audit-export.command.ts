import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { DATA_DIR_OPTION, dataDirOf, stringOpt } from './args'
import { EXIT_OK, UsageError, type CommandSpec } from './cli-types'
import { AUDIT_FILTER_OPTIONS, auditFilterOf } from './audit.command'
import { callFromCli, withCore } from './with-core'

export const auditExportCommand: CommandSpec = {
  path: ['audit', 'export'],
  args: '',
  summary: 'Write change log entries, oldest first, to a CSV or JSON file',
  options: {
    output: { type: 'string', short: 'o', arg: 'FILE', description: 'File to write (required)' },
    format: { type: 'string', arg: 'F', description: 'csv (default) or json' },
    ...AUDIT_FILTER_OPTIONS,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const output = stringOpt(args, 'output')
    if (output === undefined) throw new UsageError('-o FILE is required')
    const format = stringOpt(args, 'format') ?? 'csv'
    if (format !== 'csv' && format !== 'json') {
      throw new UsageError(`--format must be csv or json, got ${JSON.stringify(format)}`)
    }
    const result = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'audit.export', { ...auditFilterOf(args), format }),
    )
    const file = resolve(io.cwd, output)
    writeFileSync(file, result.content)
    io.stderr(
      `${result.count} entries written to ${file}` +
        (result.truncated ? ' (cut at the export limit: narrow it with --since/--until)' : '') +
        '\n',
    )
    return EXIT_OK
  },
}
