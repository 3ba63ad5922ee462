import { isAppError } from '#shared/contract'
import { APP_VERSION } from '#core'
import { parseCommandArgs } from './args'
import {
  EXIT_ERROR,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type CliIo,
  type CommandSpec,
} from './cli-types'
import { ALERT_RULES_COMMANDS } from './alert-rules.command'
import { ALERTS_COMMANDS } from './alerts.command'
import { ATTACK_COMMANDS } from './attack.command'
import { auditExportCommand } from './audit-export.command'
import { auditVerifyCommand } from './audit-verify.command'
import { auditCommand } from './audit.command'
import { exportCommand } from './export.command'
import { extractCommand } from './extract.command'
import { FEEDS_COMMANDS } from './feeds.command'
import { commandHelp, overallHelp } from './help'
import { importCommand } from './import.command'
import { INCIDENTS_COMMANDS } from './incidents.command'
import { INTEL_COMMANDS } from './intel.command'
import {
  indicatorsAddCommand,
  indicatorsGetCommand,
  indicatorsListCommand,
  indicatorsSearchCommand,
} from './indicators.command'
import { PROJECTS_COMMANDS } from './projects.command'
import { REPORT_COMMANDS } from './report.command'
import { rescoreCommand } from './rescore.command'
import { serveCommand } from './serve.command'
import { SETTINGS_COMMANDS } from './settings.command'
import { SUMMARY_COMMANDS } from './summary.command'
import { ENRICH_COMMANDS } from './enrich.command'
import { ALLOWLIST_COMMANDS } from './allowlist.command'
import { WARNINGLISTS_COMMANDS } from './warninglists.command'
import { tokenCommand } from './token.command'

export const COMMANDS: readonly CommandSpec[] = [
  serveCommand,
  tokenCommand,
  indicatorsAddCommand,
  indicatorsListCommand,
  indicatorsSearchCommand,
  indicatorsGetCommand,
  importCommand,
  extractCommand,
  ...FEEDS_COMMANDS,
  ...PROJECTS_COMMANDS,
  ...INCIDENTS_COMMANDS,
  ...INTEL_COMMANDS,
  ...REPORT_COMMANDS,
  ...SETTINGS_COMMANDS,
  ...ALERTS_COMMANDS,
  ...ALERT_RULES_COMMANDS,
  ...WARNINGLISTS_COMMANDS,
  ...ALLOWLIST_COMMANDS,
  ...ATTACK_COMMANDS,
  auditCommand,
  auditVerifyCommand,
  auditExportCommand,
  rescoreCommand,
  exportCommand,
  ...SUMMARY_COMMANDS,
  ...ENRICH_COMMANDS,
]

const findCommand = (argv: readonly string[]): CommandSpec | undefined =>
  COMMANDS.filter((c) => c.path.every((word, i) => argv[i] === word)).sort(
    (a, b) => b.path.length - a.path.length,
  )[0]

/** Runs one command line and returns the exit code; never throws (errors become messages on stderr). */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const first = argv[0]
  if (first === undefined) {
    io.stderr(overallHelp(COMMANDS))
    return EXIT_USAGE
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(overallHelp(COMMANDS))
    return EXIT_OK
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`threateye ${APP_VERSION}\n`)
    return EXIT_OK
  }
  // A script that asked for JSON gets its failures as JSON on stdout too (the human message stays on stderr).
  const wantsJson = argv.includes('--json')
  const failJson = (code: string, message: string, details?: unknown) => {
    if (wantsJson)
      io.stdout(JSON.stringify({ ok: false, error: { code, message, details } }) + '\n')
  }
  const command = findCommand(argv)
  if (!command) {
    const group = COMMANDS.filter((c) => c.path[0] === first)
    const known = group.length
      ? group.map((c) => c.path.join(' ')).join(', ')
      : 'see "threateye --help"'
    const message = `unknown command ${JSON.stringify(argv.slice(0, group.length ? 2 : 1).join(' '))} (${known})`
    io.stderr(`threateye: ${message}\n`)
    failJson('usage', message)
    return EXIT_USAGE
  }
  try {
    const args = parseCommandArgs(command, argv.slice(command.path.length))
    if (args.values.help === true) {
      io.stdout(commandHelp(command))
      return EXIT_OK
    }
    return await command.run(args, io)
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(
        `threateye ${command.path.join(' ')}: ${e.message}\nRun "threateye ${command.path.join(' ')} --help" for usage.\n`,
      )
      failJson('usage', e.message)
      return EXIT_USAGE
    }
    const message = isAppError(e) ? e.message : e instanceof Error ? e.message : String(e)
    io.stderr(`threateye ${command.path.join(' ')}: ${message}\n`)
    failJson(isAppError(e) ? e.code : 'internal', message, isAppError(e) ? e.details : undefined)
    return EXIT_ERROR
  }
}
