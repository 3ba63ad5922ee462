import { useCallback, useEffect, useState } from 'react'
import type { In } from '#shared/contract'
import type { ScanJob } from '#shared/contract/enrichment.schemas'
import { errorMessage } from '../api/client'
import { useClient } from '../app-context'

export type RunEnrichment = Omit<In<'enrichment.run'>, 'force' | 'wait'> & { force?: boolean }

export type EnrichmentScanJob = {
  /** The job this hook follows: the last one started, as its latest event or status call showed it. */
  scanJob: ScanJob | null
  /** The start call is in flight. */
  starting: boolean
  error: string | null
  /** Starts a scan job (enrichment.run, answering at once) and follows it; resolves with the queued job. */
  run(input: RunEnrichment): Promise<ScanJob | null>
  cancel(): Promise<void>
}

/**
 * Starts enrichment runs and follows the last one through `enrichment.onDidScanJob`. The job's status is
 * asked once after subscribing too: a run over a few indicators may finish before the first event could
 * reach a listener.
 */
export const useEnrichmentScanJob = (): EnrichmentScanJob => {
  const client = useClient()
  const [scanJob, setScanJob] = useState<ScanJob | null>(null)
  const [starting, setStarting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const id = scanJob?.id ?? null

  useEffect(() => {
    if (id === null) return
    let live = true
    // Events and the status call may arrive in any order: keep whichever is further along.
    const take = (next: ScanJob) => {
      if (!live || next.id !== id) return
      setScanJob((prev) => (prev !== null && newer(prev, next) ? prev : next))
    }
    const off = client.on('enrichment.onDidScanJob', (p) => take(p.scanJob))
    client.call('enrichment.scanJob', { id }).then(take, (e: unknown) => {
      if (live) setError(errorMessage(e))
    })
    return () => {
      live = false
      off()
    }
  }, [client, id])

  const run = useCallback(
    async (input: RunEnrichment): Promise<ScanJob | null> => {
      setStarting(true)
      setError(null)
      try {
        const started = await client.call('enrichment.run', {
          ...input,
          force: input.force ?? false,
          wait: false,
        })
        setScanJob(started.scanJob)
        return started.scanJob
      } catch (e) {
        setError(errorMessage(e))
        return null
      } finally {
        setStarting(false)
      }
    },
    [client],
  )

  const cancel = useCallback(async () => {
    if (id === null) return
    try {
      setScanJob(await client.call('enrichment.cancelScanJob', { id }))
    } catch (e) {
      setError(errorMessage(e))
    }
  }, [client, id])

  return { scanJob, starting, error, run, cancel }
}

const RANK: Readonly<Record<ScanJob['status'], number>> = {
  queued: 0,
  running: 1,
  succeeded: 2,
  failed: 2,
  cancelled: 2,
}

/** `a` is strictly further along than `b` (a finished job never goes back to running). */
const newer = (a: ScanJob, b: ScanJob): boolean =>
  RANK[a.status] > RANK[b.status] ||
  (RANK[a.status] === RANK[b.status] && a.indicatorsProcessed > b.indicatorsProcessed)
