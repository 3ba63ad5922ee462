import { useEffect, useRef, useState } from 'react'
import {
  FEED_FORMAT_NAMES,
  type CsvMapping,
  type CsvPreview,
  type DetectFormatResult,
  type FeedRun,
} from '#shared/contract/feeds.contract'
import { errorMessage } from '../../api/client'
import { followRun } from '../../api/follow'
import { useClient, useServices } from '../../app-context'
import type { RunProgress } from '../../stores/feeds.store'
import { formatCount } from '../indicators/format'
import { initialMapping, mappingReady } from './csv-mapping-step'
import { useFeeds, useFeedsStore } from './feeds-context'
import type { FeedFormat } from './feeds-format'

/** Formats a local file can be in (a MISP feed and TAXII are servers, not files). */
const FILE_FORMATS = FEED_FORMAT_NAMES.filter((f) => f !== 'misp-feed' && f !== 'taxii')

/** Where an import stops before a run: the file cannot go this way (too big), or cannot be read at all. */
export type ImportStop = { kind: 'too-big'; reason: string } | { kind: 'failed'; message: string }

/** The steps of importing one file, whichever way its bytes reach the core. */
export type ImportStep =
  | { kind: 'reading' }
  | ImportStop
  | { kind: 'pick'; candidates: FeedFormat[]; ambiguous: boolean; csv: CsvPreview | null }
  | { kind: 'map'; preview: CsvPreview }
  | { kind: 'importing'; format: FeedFormat }
  | { kind: 'done'; run: FeedRun }

/**
 * What differs between a dropped file and a picked one: how the core gets to see the file's head, and which
 * call imports it. The import is started without waiting (`wait: false`); the steps follow the run by its
 * events and feeds.getRun, so a long import never hangs on one request.
 */
export type ImportSource = {
  /** The file's name, for the messages and the toast. */
  name: string
  /** Reads what detection needs and asks feeds.detectFormat, or stops before it. */
  detect: () => Promise<{ detected: DetectFormatResult } | { stop: ImportStop }>
  /** Starts the import and answers with the queued run. */
  start: (format: FeedFormat, mapping?: CsvMapping) => Promise<FeedRun>
  /** A stop for an error of the start call that has a better answer than its message. */
  stopFor?: (e: unknown) => ImportStop | null
}

export type ImportSteps = {
  step: ImportStep
  /** The format chosen in the pick step. */
  picked: FeedFormat | null
  pick: (f: FeedFormat) => void
  /** The CSV column mapping being edited in the map step. */
  mapping: CsvMapping
  setMapping: (m: CsvMapping) => void
  /** The running import's progress, once the core reports it. */
  progress: RunProgress | null
  /** The pick step's submit: a CSV whose columns were not recognised goes to the map step first. */
  submitFormat: () => void
  /** True when the current step's submit can go (a format picked, the indicator's column mapped). */
  ready: boolean
  submitMapping: () => void
  importAsText: () => void
  cancelImport: () => void
}

/**
 * The import's state machine, shared by both dialogs: detect → pick a format (when detection could not
 * tell) → map a CSV's columns (when its header was not recognised) → importing, with progress → done, with
 * the run's report. Detection runs once per mount: the dialog is keyed by the file.
 */
export const useImportSteps = (source: ImportSource): ImportSteps => {
  const client = useClient()
  const { ui } = useServices()
  const feeds = useFeedsStore()
  const progress = useFeeds((s) => s.importProgress)
  const [step, setStep] = useState<ImportStep>({ kind: 'reading' })
  const [picked, setPicked] = useState<FeedFormat | null>(null)
  const [mapping, setMapping] = useState<CsvMapping>({})
  const started = useRef(false)

  const runImport = async (format: FeedFormat, csv?: CsvMapping) => {
    setStep({ kind: 'importing', format })
    try {
      const queued = await source.start(format, csv)
      const run = await followRun(client, queued.id)
      setStep({ kind: 'done', run })
      if (run.status === 'succeeded')
        ui.getState().toast('success', `Imported ${source.name}: ${formatCount(run.created)} new`)
    } catch (e) {
      setStep(source.stopFor?.(e) ?? { kind: 'failed', message: errorMessage(e) })
    }
  }

  useEffect(() => {
    // StrictMode mounts twice; the file must be detected and imported once.
    if (started.current) return
    started.current = true
    const go = async () => {
      const outcome = await source.detect()
      if ('stop' in outcome) {
        setStep(outcome.stop)
        return
      }
      const { detected } = outcome
      if ('looksLike' in detected && detected.looksLike) {
        setStep({
          kind: 'failed',
          message: `${source.name} looks like ${detected.looksLike}: it holds no indicators in a format ThreatEye reads, so nothing was imported.`,
        })
        return
      }
      if ('format' in detected) {
        await runImport(detected.format)
        return
      }
      const candidates = 'ambiguous' in detected ? detected.ambiguous : [...FILE_FORMATS]
      setPicked(candidates[0] ?? null)
      setStep({
        kind: 'pick',
        candidates,
        ambiguous: 'ambiguous' in detected,
        csv: 'csv' in detected ? (detected.csv ?? null) : null,
      })
    }
    go().catch((e: unknown) => setStep({ kind: 'failed', message: errorMessage(e) }))
    // One detection per mount (see above).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const submitFormat = () => {
    if (picked === null || step.kind !== 'pick') return
    // A CSV whose columns the core did not recognise: the analyst maps them first.
    if (picked === 'generic-csv' && step.csv !== null && step.csv.mapping === null) {
      setMapping(initialMapping(step.csv))
      setStep({ kind: 'map', preview: step.csv })
      return
    }
    void runImport(picked)
  }

  return {
    step,
    picked,
    pick: setPicked,
    mapping,
    setMapping,
    progress,
    submitFormat,
    ready: step.kind === 'pick' ? picked !== null : mappingReady(mapping),
    submitMapping: () => void runImport('generic-csv', mapping),
    importAsText: () => void runImport('text'),
    cancelImport: () => {
      if (progress) void feeds.getState().cancel(progress.runId)
    },
  }
}
