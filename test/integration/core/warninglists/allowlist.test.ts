import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appErrorOf, openTestCore, type TestCore } from '../db/core-fixture'
import { storedHits } from './warninglists-support'

let t: TestCore
beforeEach(async () => {
  t = await openTestCore()
})
afterEach(async () => {
  await t.dispose()
})

const importText = (content: string) =>
  t.core.call('feeds.importText', { content, fileName: 'iocs.txt', format: 'text' })

describe('the false-positive allowlist', () => {
  it('marking a false positive allowlists the value; later imports store it as false positive and inactive and count it', async () => {
    await importText('fp.vendor-cdn.net\nbad.evil-domain.ru')
    const { id } = storedHits(t.core, 'fp.vendor-cdn.net')
    await t.core.call('indicators.markFalsePositive', { id, reason: 'vendor CDN' })
    expect((await t.core.call('allowlist.list', {})).items).toEqual([
      expect.objectContaining({
        id,
        type: 'domain',
        value: 'fp.vendor-cdn.net',
        reason: 'vendor CDN',
      }),
    ])
    // The analyst changes their mind about the indicator by hand; the next feed run does not undo the
    // allowlist: the value comes in as a false positive again.
    await t.core.call('indicators.update', { id, patch: { active: true, falsePositive: false } })
    const run = await importText('FP.vendor-cdn.net\nbad.evil-domain.ru\nnew.evil-domain.ru')
    expect(run).toMatchObject({ status: 'succeeded', allowlisted: 1, created: 1 })
    expect(storedHits(t.core, 'fp.vendor-cdn.net')).toMatchObject({
      falsePositive: true,
      active: false,
    })
    expect(storedHits(t.core, 'bad.evil-domain.ru')).toMatchObject({
      falsePositive: false,
      active: true,
    })
    expect((await t.core.call('feeds.getRun', { id: run.id })).allowlisted).toBe(1)
    expect((await t.core.call('warninglists.getHits', { id })).allowlisted).toBe(true)

    // bulkCreate respects it too, for a new value allowlisted by hand.
    await t.core.call('allowlist.add', { value: 'hxxp://benign[.]example-shop.com/', reason: 'ok' })
    const bulk = await t.core.call('indicators.bulkCreate', {
      text: 'http://benign.example-shop.com/\nhttp://other.example-shop.com/',
    })
    expect(bulk).toMatchObject({ created: 2, allowlisted: 1 })
    expect(storedHits(t.core, 'http://benign.example-shop.com/')).toMatchObject({
      falsePositive: true,
      active: false,
    })
    expect(storedHits(t.core, 'http://other.example-shop.com/').falsePositive).toBe(false)
  })

  it('clearing the mark takes the value off, and later imports leave it alone', async () => {
    await importText('cleared.vendor-cdn.net')
    const { id } = storedHits(t.core, 'cleared.vendor-cdn.net')
    await t.core.call('indicators.markFalsePositive', { id })
    expect((await t.core.call('allowlist.list', {})).total).toBe(1)
    await t.core.call('indicators.markFalsePositive', { id, falsePositive: false })
    expect((await t.core.call('allowlist.list', {})).total).toBe(0)
    await t.core.call('indicators.markFalsePositive', { id })
    await t.core.call('indicators.activate', { id })
    expect((await t.core.call('allowlist.list', {})).total).toBe(0)
    const run = await importText('cleared.vendor-cdn.net')
    expect(run.allowlisted).toBe(0)
    expect(storedHits(t.core, 'cleared.vendor-cdn.net').falsePositive).toBe(false)
    const log = await t.core.call('audit.list', { entity: 'allowlist', limit: 10 })
    expect(log.items.map((e) => e.operation)).toEqual(['delete', 'create', 'delete', 'create'])
  })

  it('adds, lists and removes by hand, by id or by value; bad input names the field', async () => {
    const a = await t.core.call('allowlist.add', { value: '8.8.8.8', reason: 'resolver' })
    expect(a).toMatchObject({ type: 'ip', value: '8.8.8.8', reason: 'resolver' })
    await t.core.call('allowlist.add', { type: 'domain', value: 'Intranet.Corp.NET.' })
    expect(
      (await t.core.call('allowlist.list', { type: 'domain' })).items.map((e) => e.value),
    ).toEqual(['intranet.corp.net'])
    await t.core.call('allowlist.remove', { value: 'intranet.corp.net' })
    await t.core.call('allowlist.remove', { id: a.id })
    expect((await t.core.call('allowlist.list', {})).total).toBe(0)
    const bad = await appErrorOf(t.core.call('allowlist.add', { value: 'not a value' }))
    expect(bad.code).toBe('invalid_input')
    expect(bad.message).toMatch(/^value: /)
    const missing = await appErrorOf(t.core.call('allowlist.remove', { id: a.id }))
    expect(missing.code).toBe('not_found')
  })
})
