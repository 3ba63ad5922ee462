import { AppError } from '#shared/contract'
import {
  ALERT_RULE_KINDS,
  ENRICHMENT_VERDICT_LEVELS,
  type AlertCondition,
  type AlertRule,
} from '#shared/contract/alerts.contract'
import { SEVERITIES } from '#shared/domain/enums'
import { describeAlertCondition } from '#shared/alert-text'
import type { Core } from '#core'
import { oneOf } from './alerts.command'
import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, intOpt, stringOpt } from './args'
import { EXIT_OK, UsageError, type CliIo, type CommandSpec, type ParsedArgs } from './cli-types'
import { formatRecord, formatTable, toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const COMMON = { json: JSON_OPTION, 'data-dir': DATA_DIR_OPTION }

const ruleRecord = (r: AlertRule): string =>
  formatRecord([
    ['id', r.id],
    ['name', r.name],
    ['enabled', r.enabled ? 'yes' : 'no'],
    ['condition', describeAlertCondition(r.condition)],
    ['suppress warninglisted', r.suppressWarninglisted ? 'yes' : 'no'],
    ['opens incidents', r.openIncident ? 'yes' : 'no'],
    ['alert severity', r.alertSeverity === null ? "the indicator's" : String(r.alertSeverity)],
    ['created', r.createdAt],
    ['updated', r.updatedAt],
  ])

/** A rule by id or by name (case-insensitive). */
const findRule = async (core: Core, io: CliIo, nameOrId: string): Promise<AlertRule> => {
  const { items } = await callFromCli(core, io, 'alerts.listRules', {})
  const found = UUID.test(nameOrId)
    ? items.find((r) => r.id === nameOrId.toLowerCase())
    : items.find((r) => r.name.toLowerCase() === nameOrId.toLowerCase())
  if (!found)
    throw new AppError(
      'not_found',
      `No alert rule named ${JSON.stringify(nameOrId)} (see "threateye alert-rules list")`,
    )
  return found
}

/** The condition from the options: exactly one of them. */
const conditionOf = (args: ParsedArgs): AlertCondition => {
  const kind = oneOf(ALERT_RULE_KINDS, stringOpt(args, 'kind') ?? '', 'kind')
  const need = (name: string): string => {
    const v = stringOpt(args, name)
    if (v === undefined) throw new UsageError(`--kind ${kind} needs --${name}`)
    return v
  }
  switch (kind) {
    case 'score':
      need('min-score')
      return { kind, minScore: intOpt(args, 'min-score', { min: 0, max: 100 }) ?? 0 }
    case 'severity':
      return { kind, minSeverity: oneOf(SEVERITIES, need('min-severity'), 'min-severity') }
    case 'tag':
      return { kind, tag: need('tag') }
    case 'malware':
      return { kind, malware: need('malware') }
    case 'project':
      return { kind, projectId: need('project') }
    case 'warninglist_miss':
      return { kind }
    case 'enrichment_verdict':
      return {
        kind,
        minLevel: oneOf(ENRICHMENT_VERDICT_LEVELS, need('min-level'), 'min-level'),
        minProviders: intOpt(args, 'min-providers', { min: 1, max: 4 }) ?? 1,
      }
  }
}

export const alertRulesListCommand: CommandSpec = {
  path: ['alert-rules', 'list'],
  args: '',
  summary: 'List alert rules',
  options: COMMON,
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const { items } = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'alerts.listRules', {}),
    )
    if (boolOpt(args, 'json')) io.stdout(toJsonLine(items))
    else
      io.stdout(
        formatTable(
          ['NAME', 'ENABLED', 'CONDITION', 'ID'],
          items.map((r) => [
            r.name,
            r.enabled ? 'yes' : 'no',
            describeAlertCondition(r.condition),
            r.id,
          ]),
        ),
      )
    return EXIT_OK
  },
}

export const alertRulesAddCommand: CommandSpec = {
  path: ['alert-rules', 'add'],
  args: '<name>',
  summary: 'Add an alert rule: --kind and the option it needs',
  options: {
    kind: {
      type: 'string',
      arg: 'K',
      description: `What to watch: ${ALERT_RULE_KINDS.join(', ')}`,
    },
    'min-score': {
      type: 'string',
      arg: 'N',
      description: 'score: alert at score N (0-100) or more',
    },
    'min-severity': {
      type: 'string',
      arg: 'S',
      description: `severity: alert at S or worse (${SEVERITIES.join(', ')})`,
    },
    tag: { type: 'string', arg: 'T', description: 'tag: the tag to watch' },
    malware: { type: 'string', arg: 'M', description: 'malware: the family a source names' },
    project: { type: 'string', arg: 'ID', description: "project: the project's id" },
    'min-level': {
      type: 'string',
      arg: 'L',
      description: `enrichment_verdict: a provider calls it L or worse (${ENRICHMENT_VERDICT_LEVELS.join(', ')})`,
    },
    'min-providers': {
      type: 'string',
      arg: 'N',
      description: 'enrichment_verdict: at least N providers (1-4, default 1)',
    },
    severity: {
      type: 'string',
      arg: 'N',
      description: "The alerts' severity (0-100) instead of the indicator's",
    },
    'include-warninglisted': {
      type: 'boolean',
      description: 'Alert on indicators a warninglist matched too (suppressed by default)',
    },
    'open-incident': {
      type: 'boolean',
      description:
        'Also open an incident on the indicator (or count an occurrence of the open one)',
    },
    disabled: { type: 'boolean', description: 'Add it switched off' },
    ...COMMON,
  },
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const input = {
      name: args.positionals[0] ?? '',
      condition: conditionOf(args),
      enabled: !boolOpt(args, 'disabled'),
      suppressWarninglisted: !boolOpt(args, 'include-warninglisted'),
      openIncident: boolOpt(args, 'open-incident'),
      alertSeverity: intOpt(args, 'severity', { min: 0, max: 100 }) ?? null,
    }
    const rule = await withCore(dataDirOf(args, io), io, (core) =>
      callFromCli(core, io, 'alerts.createRule', input),
    )
    io.stdout(boolOpt(args, 'json') ? toJsonLine(rule) : ruleRecord(rule))
    return EXIT_OK
  },
}

const switchCommand = (enabled: boolean): CommandSpec => ({
  path: ['alert-rules', enabled ? 'enable' : 'disable'],
  args: '<rule>',
  summary: `${enabled ? 'Switch on' : 'Switch off'} an alert rule (by name or id)`,
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const rule = await withCore(dataDirOf(args, io), io, async (core) => {
      const r = await findRule(core, io, args.positionals[0] ?? '')
      return callFromCli(core, io, 'alerts.updateRule', { id: r.id, patch: { enabled } })
    })
    io.stdout(boolOpt(args, 'json') ? toJsonLine(rule) : ruleRecord(rule))
    return EXIT_OK
  },
})

export const alertRulesDeleteCommand: CommandSpec = {
  path: ['alert-rules', 'delete'],
  args: '<rule>',
  summary: 'Delete an alert rule (by name or id); its alerts are kept',
  options: COMMON,
  positionals: { min: 1, max: 1 },
  run: async (args, io) => {
    const deleted = await withCore(dataDirOf(args, io), io, async (core) => {
      const r = await findRule(core, io, args.positionals[0] ?? '')
      await callFromCli(core, io, 'alerts.deleteRule', { id: r.id })
      return r
    })
    if (boolOpt(args, 'json')) io.stdout(toJsonLine({ ok: true, id: deleted.id }))
    else io.stdout(`Deleted alert rule ${deleted.name} (${deleted.id})\n`)
    return EXIT_OK
  },
}

export const ALERT_RULES_COMMANDS: readonly CommandSpec[] = [
  alertRulesListCommand,
  alertRulesAddCommand,
  switchCommand(true),
  switchCommand(false),
  alertRulesDeleteCommand,
]
