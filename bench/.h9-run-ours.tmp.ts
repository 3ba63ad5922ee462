import 'reflect-metadata'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src/main/core'
import { createLogger } from '../src/main/platform/logger'
import { createMemorySecretStore } from '../src/main/platform/secret-store'
import { createIndicatorGenerator } from '../bench/support/indicator-generator'
const ROWS = Number(process.env.BENCH_ROWS ?? 200000)
const CALL = Number(process.env.BENCH_CALL_ROWS ?? 50000)
const main = async () => {
  const core = await createCore({ dataDir: mkdtempSync(join(tmpdir(), 'te-h9-')), logger: createLogger({ level: 'warn' }), secrets: createMemorySecretStore() })
  let cpu = 0
  for (const batch of createIndicatorGenerator(20251121).batches(ROWS, CALL)) {
    const c0 = process.cpuUsage()
    await core.call('indicators.bulkCreate', { items: batch })
    const u = process.cpuUsage(c0); cpu += u.user + u.system
  }
  console.log('cpu us/row', (cpu / ROWS).toFixed(2), 'rss', Math.round(process.memoryUsage().rss / 1048576))
  await core.stop()
}
void main()
