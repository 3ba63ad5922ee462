/**
 * A binary prefix trie over address bits: inserting a network marks the node at its prefix length, and a
 * lookup walks the address's bits from the root, collecting every mark on the way. That answers "which
 * listed networks contain this address (or this network)" in at most 32 or 128 steps whatever the list
 * size, and stops as soon as the path leaves the listed prefixes, which for most addresses is within a few
 * bits. Children live in two flat number arrays rather than one object per node, so a list of a few hundred
 * thousand networks stays compact.
 */
export type CidrMark = { listId: number; entry: string }

export type BitSource = (bit: number) => number

export type CidrTrie = {
  insert(bits: BitSource, prefix: number, mark: CidrMark): void
  /** Every mark on a prefix of `bits` no longer than `depth`, in order from the widest network. */
  lookup(bits: BitSource, depth: number, visit: (mark: CidrMark) => void): void
  readonly nodes: number
}

export const createCidrTrie = (): CidrTrie => {
  const zero: number[] = [0]
  const one: number[] = [0]
  const marks: (CidrMark[] | undefined)[] = [undefined]
  return {
    insert(bits, prefix, mark) {
      let node = 0
      for (let d = 0; d < prefix; d++) {
        const side = bits(d) === 0 ? zero : one
        let next = side[node] ?? 0
        if (next === 0) {
          next = zero.length
          zero.push(0)
          one.push(0)
          marks.push(undefined)
          side[node] = next
        }
        node = next
      }
      const here = marks[node]
      if (here === undefined) marks[node] = [mark]
      else if (!here.some((m) => m.listId === mark.listId)) here.push(mark)
    },
    lookup(bits, depth, visit) {
      let node = 0
      for (let d = 0; ; d++) {
        const here = marks[node]
        if (here !== undefined) for (const m of here) visit(m)
        if (d === depth) return
        node = (bits(d) === 0 ? zero[node] : one[node]) ?? 0
        if (node === 0) return
      }
    },
    get nodes() {
      return zero.length
    },
  }
}

export const ipv4Bits =
  (n: number): BitSource =>
  (d) =>
    (n >>> (31 - d)) & 1

export const ipv6Bits =
  (g: readonly number[]): BitSource =>
  (d) =>
    ((g[d >> 4] ?? 0) >>> (15 - (d & 15))) & 1
