import { describe, expect, it } from 'vitest'
import { createAhoCorasick } from '#core/warninglists/aho-corasick'
import { createCidrTrie, ipv4Bits } from '#core/warninglists/cidr-trie'

// A seeded generator so a failure can be replayed.
const random = (seed: number) => {
  let a = seed >>> 0
  return (max: number): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max)
  }
}

describe('the indexes agree with a plain scan', () => {
  it('Aho-Corasick finds exactly the entries `includes` finds, overlaps and repeats included', () => {
    const r = random(11)
    const word = (n: number) => Array.from({ length: n }, () => 'abc'[r(3)]).join('')
    const entries = [...new Set(Array.from({ length: 60 }, () => word(1 + r(5))))]
    const ac = createAhoCorasick(entries.map((entry, i) => ({ listId: i % 7, entry })))
    for (let k = 0; k < 300; k++) {
      const text = word(r(40))
      const found = new Set<string>()
      ac.scan(text, (m) => found.add(m.entry))
      const expected = entries.filter((e, i) => {
        // Entries of the same list are kept once per node; every distinct entry has its own node.
        return text.includes(e) && entries.indexOf(e) === i
      })
      expect([...found].sort(), text).toEqual(expected.sort())
    }
  })

  it('the prefix trie finds exactly the networks that contain an address or a network', () => {
    const r = random(29)
    const nets = Array.from({ length: 400 }, () => {
      const prefix = r(33)
      const base = (r(0x10000) * 0x10000 + r(0x10000)) >>> 0
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
      return { base: (base & mask) >>> 0, prefix, mask }
    })
    const trie = createCidrTrie()
    nets.forEach((n, listId) =>
      trie.insert(ipv4Bits(n.base), n.prefix, { listId, entry: String(listId) }),
    )
    for (let k = 0; k < 2000; k++) {
      // Half the probes inside a listed network, half anywhere.
      const near = nets[r(nets.length)] ?? { base: 0, prefix: 0, mask: 0 }
      const addr =
        k % 2 === 0 ? (near.base | r(0x10000)) >>> 0 : (r(0x10000) * 0x10000 + r(0x10000)) >>> 0
      const depth = k % 3 === 0 ? r(33) : 32
      const mask = depth === 0 ? 0 : (0xffffffff << (32 - depth)) >>> 0
      const probe = (addr & mask) >>> 0
      const found: number[] = []
      trie.lookup(ipv4Bits(probe), depth, (m) => found.push(m.listId))
      const expected = nets
        .map((n, i) => ({ n, i }))
        .filter(({ n }) => n.prefix <= depth && (probe & n.mask) >>> 0 === n.base)
        .map(({ i }) => i)
      expect(
        found.sort((a, b) => a - b),
        `${probe}/${depth}`,
      ).toEqual(expected)
    }
  })
})
