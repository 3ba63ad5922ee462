import { describe, expect, it } from 'vitest'
import { parsers } from '#core/feeds/formats/index'
import { BATCH_SIZE } from '#core/feeds/formats/parse-support'
import { bytesOf, parseAll } from './support'

const urlhausRows = (n: number): string => {
  let s = '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n'
  for (let i = 0; i < n; i++) {
    s += `"${i}","2024-05-01 10:02:07","http://h${i}.example/p?a=1,b=2","online","","malware_download","elf,mirai","https://urlhaus.abuse.ch/url/${i}/","r"\n`
  }
  return s
}

describe('batching', () => {
  it('yields batches near BATCH_SIZE whatever the chunk size, with every row accounted for', async () => {
    const bytes = bytesOf(urlhausRows(20_000))
    for (const chunk of [1 << 20, 4096]) {
      const o = await parseAll(parsers['urlhaus-csv'], bytes, chunk)
      expect(o.records).toHaveLength(20_000)
      expect(o.records[19_999]?.line).toBe(20_001)
      expect(o.largestBatch).toBeLessThanOrEqual(BATCH_SIZE * 2)
      expect(o.batches).toBeGreaterThanOrEqual(Math.ceil(20_000 / (BATCH_SIZE * 2)))
    }
  })

  it('streams a STIX bundle in bounded batches', async () => {
    const objects = Array.from({ length: 10_000 }, (_, i) =>
      JSON.stringify({
        type: 'indicator',
        id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        pattern: `[ipv4-addr:value = '10.0.${i >> 8}.${i & 255}']`,
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
      }),
    )
    const o = await parseAll(
      parsers['stix-bundle'],
      bytesOf(`{"type":"bundle","id":"bundle--1","objects":[${objects.join(',')}]}`),
      1 << 20,
    )
    expect(o.records).toHaveLength(10_000)
    expect(o.records[9_999]).toMatchObject({ line: 10_000, value: '10.0.39.15', type: 'ip' })
    expect(o.largestBatch).toBeLessThanOrEqual(BATCH_SIZE * 2)
  })
})
