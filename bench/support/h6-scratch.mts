import { parseStixPattern } from '../../src/main/feeds/formats/stix-pattern'
const ps = [
  "[ipv4-addr:value = '198.51.100.1']",
  "[file:hashes.'SHA-256' = 'aa' OR file:hashes.MD5 = 'bb']",
  "[ipv4-addr:value = '1.2.3.4' AND network-traffic:dst_port = 80]",
  "[domain-name:value = 'a.com'] OR [url:value = 'http://x/y\\'z']",
  "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\x'] REPEATS 5 TIMES",
  "[file:name NOT LIKE '%.exe'] FOLLOWEDBY [mutex:name = 'abc'] WITHIN 60 SECONDS",
  "[network-traffic:src_ref.value ISSUBSET '10.0.0.0/8' AND network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'x'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  "[x509-certificate:hashes.'SHA-1' IN ('a','b')]",
  "[email-message:to_refs[*].value = 'a@b.c']",
  "[ipv4-addr:value = '1.2.3.4'",
]
for (const p of ps) { try { console.log(p, JSON.stringify(parseStixPattern(p))) } catch (e) { console.log(p, 'ERR', (e as Error).message) } }
let t0 = performance.now()
for (let i = 0; i < 300000; i++) parseStixPattern(`[ipv4-addr:value = '10.0.${i & 255}.1']`)
console.log('pattern/s', Math.round(300000 / (performance.now() - t0) * 1000))
