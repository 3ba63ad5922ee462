import { afterEach, describe, expect, it } from 'vitest'
import { createAlertNotifier, type AlertNotification } from '#desktop/alert-notifier'
import { openCore, type TestCore } from '../../support/test-core'

// The desktop's notifications of new alerts, under Node with a real core (alert-notifications.ts hands
// the same notifier Electron's Notification).

let t: TestCore | undefined
afterEach(async () => {
  await t?.dispose()
  t = undefined
})

describe('desktop alert notifications', () => {
  it('one notification per trigger, plain text, a storm as a count; none when switched off', async () => {
    t = await openCore()
    const core = t.core
    const shown: AlertNotification[] = []
    const notifier = createAlertNotifier({ core, logger: t.logger, show: (n) => shown.push(n) })
    await core.call('alerts.createRule', { name: 'Tagged', condition: { kind: 'tag', tag: 'c2' } })

    await core.call('indicators.create', {
      value: 'https://evil-c2.net/<b>x</b>\u202e',
      tags: ['c2'],
    })
    await core.waitForIdle()
    await notifier.waitForIdle()
    expect(shown).toEqual([
      { title: 'New alert (severity 50)', body: 'Tagged: url https://evil-c2.net/<b>x</b>' },
    ])

    await core.call('indicators.bulkCreate', {
      text: Array.from({ length: 5 }, (_, i) => `45.155.205.${i + 1}`).join('\n'),
      defaults: { tags: ['c2'] },
    })
    await core.waitForIdle()
    await notifier.waitForIdle()
    expect(shown[1]?.title).toBe('5 new alerts')
    expect(shown[1]?.body.split('\n')).toHaveLength(4)
    expect(shown[1]?.body).toContain('and 2 more')

    await core.call('alerts.updateSettings', { notifications: false })
    await core.call('indicators.create', { value: 'quiet.evil-c2.net', tags: ['c2'] })
    await core.waitForIdle()
    await notifier.waitForIdle()
    expect(shown).toHaveLength(2)
    notifier.dispose()
  })
})
