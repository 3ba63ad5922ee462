import { DATA_DIR_OPTION, JSON_OPTION, boolOpt, dataDirOf, stringOpt } from './args'
import { EXIT_ERROR, EXIT_OK, type CommandSpec } from './cli-types'
import { toJsonLine } from './format'
import { callFromCli, withCore } from './with-core'

/**
 * `threateye rescore`: recomputes every indicator's score (or those of one type, or the never scored) with
 * the settings in effect, as the core's rescoring job; progress goes to stderr, the report to stdout.
 */
export const rescoreCommand: CommandSpec = {
  path: ['rescore'],
  args: '',
  summary: 'Recompute the scores of all indicators (progress on stderr)',
  options: {
    type: {
      type: 'string',
      arg: 'TYPE',
      description: 'Only indicators of this type (ip, domain, ...)',
    },
    unscored: { type: 'boolean', description: 'Only indicators never scored' },
    json: JSON_OPTION,
    'data-dir': DATA_DIR_OPTION,
  },
  positionals: { min: 0, max: 0 },
  run: async (args, io) => {
    const type = stringOpt(args, 'type')
    const filter = {
      ...(type === undefined ? {} : { type }),
      ...(boolOpt(args, 'unscored') ? { unscoredOnly: true } : {}),
    }
    const detail = await withCore(dataDirOf(args, io), io, async (core) => {
      const job = await callFromCli(core, io, 'scoring.rescore', { filter })
      const off = core.events.on('jobs.onDidProgress', ({ job: j }) => {
        if (j.id !== job.id || j.progress.total === null) return
        io.stderr(`rescoring: ${j.progress.done} of ${j.progress.total}\n`)
      })
      try {
        return await core.jobs.settled(job.id)
      } finally {
        off()
      }
    })
    if (
      detail.kind !== 'scoring.rescore' ||
      detail.status !== 'succeeded' ||
      detail.result === null
    ) {
      io.stderr(
        `threateye rescore: ${detail.status}${detail.error ? `: ${detail.error.message}` : ''}\n`,
      )
      return EXIT_ERROR
    }
    const r = detail.result
    io.stdout(
      boolOpt(args, 'json')
        ? toJsonLine(r)
        : `rescored ${r.scored} indicators: ${r.changed} changed score or risk level, ${r.expired} expired (${(r.ms / 1000).toFixed(1)} s)\n`,
    )
    return EXIT_OK
  },
}
