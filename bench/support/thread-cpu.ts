import { readdirSync, readFileSync } from 'node:fs'

/**
 * CPU time of each thread of this process (Linux /proc), in ms: where a benchmark's work went once it is
 * spread over worker threads (process.cpuUsage() only gives the sum). Empty elsewhere.
 */
export const threadCpuMs = (): Map<number, number> => {
  const out = new Map<number, number>()
  let tids: string[]
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return out
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      // Fields after the parenthesised name; utime and stime are the 14th and 15th fields overall.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ticks = Number(fields[11]) + Number(fields[12])
      out.set(Number(tid), (ticks * 1000) / 100)
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out
}

/** Per-thread CPU between two snapshots: the main thread first, then the busiest; under `minMs` left out. */
export const threadCpuDelta = (
  before: Map<number, number>,
  after: Map<number, number>,
  minMs = 100,
): { tid: number; ms: number }[] =>
  [...after]
    .map(([tid, ms]) => ({ tid, ms: ms - (before.get(tid) ?? 0) }))
    .filter((t) => t.ms >= minMs)
    .sort((a, b) => (a.tid === process.pid ? -1 : b.tid === process.pid ? 1 : b.ms - a.ms))
