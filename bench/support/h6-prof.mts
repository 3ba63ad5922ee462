import { parsers } from '../../src/main/feeds/formats'
const enc = new TextEncoder()
const N = 400_000
const parts: Uint8Array[] = []
let buf = '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n'
for (let i = 0; i < N; i++) {
  buf += `"${3000000 + i}","2025-05-01 10:${String(i % 60).padStart(2, '0')}:07","http://h${i}.example.com/wp-admin/upload/gate.php?id=${i}","online","2025-05-01 10:02:07","malware_download","32-bit,elf,mips,Mozi","https://urlhaus.abuse.ch/url/${3000000 + i}/","geenensp"\n`
  if (buf.length > 65536) { parts.push(enc.encode(buf)); buf = '' }
}
parts.push(enc.encode(buf))
async function* src() { for (const p of parts) yield p }
for (let r = 0; r < 3; r++) {
  const t0 = performance.now(); let n = 0
  for await (const b of parsers['urlhaus-csv'](src(), {})) n += b.length
  const ms = performance.now() - t0
  console.log(n, Math.round(ms), Math.round(n / ms * 1000))
}
