/**
 * Aho-Corasick over UTF-16 code units: every substring entry of every list is found in one pass over the
 * value, so the cost is the value's length plus the hits, however many entries the lists hold (a loop of
 * `includes` would cost entries x length).
 */
export type SubstringMark = { listId: number; entry: string }

export type AhoCorasick = {
  /** Calls `visit` for each entry found in `text` (the same entry again for each occurrence). */
  scan(text: string, visit: (mark: SubstringMark) => void): void
  readonly size: number
}

export const createAhoCorasick = (patterns: readonly SubstringMark[]): AhoCorasick => {
  const next: Map<number, number>[] = [new Map<number, number>()]
  const out: (SubstringMark[] | undefined)[] = [undefined]
  for (const p of patterns) {
    let node = 0
    for (let i = 0; i < p.entry.length; i++) {
      const c = p.entry.charCodeAt(i)
      let child = next[node]?.get(c)
      if (child === undefined) {
        child = next.length
        next.push(new Map<number, number>())
        out.push(undefined)
        next[node]?.set(c, child)
      }
      node = child
    }
    const here = out[node]
    if (here === undefined) out[node] = [p]
    else if (!here.some((m) => m.listId === p.listId)) here.push(p)
  }
  // Failure links (longest proper suffix that is also a prefix) and output links (nearest suffix node
  // that ends an entry), built breadth first.
  const fail = new Int32Array(next.length)
  const outLink = new Int32Array(next.length).fill(-1)
  const queue: number[] = []
  for (const child of next[0]?.values() ?? []) queue.push(child)
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] ?? 0
    for (const [c, child] of next[node] ?? []) {
      let f = fail[node] ?? 0
      while (f !== 0 && !(next[f]?.has(c) ?? false)) f = fail[f] ?? 0
      const target = next[f]?.get(c)
      const link = target !== undefined && target !== child ? target : 0
      fail[child] = link
      outLink[child] = out[link] !== undefined ? link : (outLink[link] ?? -1)
      queue.push(child)
    }
  }
  return {
    scan(text, visit) {
      let node = 0
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        let step = next[node]?.get(c)
        while (step === undefined && node !== 0) {
          node = fail[node] ?? 0
          step = next[node]?.get(c)
        }
        node = step ?? 0
        for (
          let k = out[node] !== undefined ? node : (outLink[node] ?? -1);
          k > 0;
          k = outLink[k] ?? -1
        ) {
          for (const m of out[k] ?? []) visit(m)
        }
      }
    },
    size: next.length,
  }
}
