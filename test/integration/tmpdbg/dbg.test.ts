import { it } from 'vitest'
import { openCore } from '../../support/test-core'
it('dbg', async () => {
  const { core } = await openCore()
  try {
    await core.call('indicators.create', { value: '203.0.113.9' })
  } catch (e) { console.log(e) }
  console.log(JSON.stringify((core.logger as unknown as {lines: unknown[]}).lines).slice(0,3000))
  const r = core.db.sqlite.prepare('select 1').get()
})
