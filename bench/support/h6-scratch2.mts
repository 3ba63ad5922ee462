const N = 300_000
const enc = new TextEncoder()
const objs: Uint8Array[] = []
for (let i = 0; i < N; i++) objs.push(enc.encode(JSON.stringify({ type: 'indicator', id: `indicator--${crypto.randomUUID()}`, pattern: `[ipv4-addr:value = '10.0.0.${i & 255}']`, description: 'x'.repeat(300) })))
const dec = new TextDecoder()
for (let r = 0; r < 3; r++) {
  let t0 = performance.now(); let L = 0
  for (const o of objs) L += dec.decode(o).length
  console.log('TextDecoder', Math.round(performance.now() - t0))
  t0 = performance.now()
  for (const o of objs) L += Buffer.from(o.buffer, o.byteOffset, o.byteLength).toString('utf8').length
  console.log('Buffer', Math.round(performance.now() - t0))
  t0 = performance.now()
  for (const o of objs) L += (Buffer.prototype as any).utf8Slice.call(o, 0, o.length).length
  console.log('utf8Slice', Math.round(performance.now() - t0))
}
