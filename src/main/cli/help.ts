import type { CommandSpec } from './cli-types'
import { HELP_OPTION } from './args'

const optionLine = (
  name: string,
  o: { short?: string; arg?: string; multiple?: boolean; description: string },
) => {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`
  return `  ${flag.padEnd(26)} ${o.description}${o.multiple ? ' (repeatable)' : ''}`
}

export const commandHelp = (spec: CommandSpec): string => {
  const lines = [
    `Usage: threateye ${spec.path.join(' ')}${spec.args ? ` ${spec.args}` : ''} [options]`,
    '',
    spec.summary,
    '',
    'Options:',
    ...Object.entries({ ...spec.options, help: HELP_OPTION }).map(([n, o]) => optionLine(n, o)),
  ]
  return lines.join('\n') + '\n'
}

export const overallHelp = (commands: readonly CommandSpec[]): string => {
  const rows = commands.map((c) => {
    const name = `${c.path.join(' ')}${c.args ? ` ${c.args}` : ''}`
    return `  ${name.padEnd(34)} ${c.summary}`
  })
  return (
    [
      'Usage: threateye <command> [options]',
      '',
      'Commands:',
      ...rows,
      '',
      'Run "threateye <command> --help" for the options of a command.',
      'Exit codes: 0 success, 1 error, 2 wrong usage.',
    ].join('\n') + '\n'
  )
}
