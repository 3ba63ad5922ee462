import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isAppError } from '#shared/contract'
import { serve, startFixtureServer, type FixtureServer } from '../../../../support/fixture-server'
import { countRows, nextEvent, openTestCore, type TestCore } from './engine-support'

const SECRET = 'k3y-SUPER-secret-value-0123456789'

const errorOf = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (e) {
    if (isAppError(e)) return e
    throw e
  }
  throw new Error('expected the call to fail')
}

describe('feeds configuration', () => {
  let t: TestCore
  let srv: FixtureServer
  beforeEach(async () => {
    t = await openTestCore()
    srv = await startFixtureServer()
  })
  afterEach(async () => {
    await t.close()
    await srv.close()
  })

  it('keeps auth secrets out of every output and log line, and sends them to the feed', async () => {
    srv.route(
      '/list.txt',
      serve.requireHeader(
        'X-Api-Key',
        SECRET,
        serve.bytes('198.51.100.7\n', { contentType: 'text/plain' }),
      ),
    )
    const changed = nextEvent(t.core, 'feeds.onDidChange')
    const feed = await t.core.call('feeds.create', {
      name: 'Private list',
      format: 'text',
      url: srv.url('/list.txt'),
      auth: { kind: 'header', name: 'X-Api-Key', value: SECRET },
      reliability: 'B',
    })
    expect(await changed).toEqual({ kind: 'created', id: feed.id })
    expect(feed).toMatchObject({
      hasAuth: true,
      authKind: 'header',
      reliability: 'B',
      defaultTlp: 'amber',
    })

    const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(run.status).toBe('succeeded')
    expect(run.created).toBe(1)
    expect(srv.requestsTo('/list.txt')[0]?.headers['x-api-key']).toBe(SECRET)

    const outputs = [
      await t.core.call('feeds.list', {}),
      await t.core.call('feeds.get', { id: feed.id }),
      await t.core.call('feeds.runs', { feedId: feed.id }),
      await t.core.call('feeds.getRun', { id: run.id }),
    ]
    for (const out of outputs) expect(JSON.stringify(out)).not.toContain(SECRET)
    expect(t.logger.lines.length).toBeGreaterThan(0)
    expect(t.logger.lines.join('\n')).not.toContain(SECRET)
    const stored = t.core.db.sqlite.prepare('SELECT * FROM feeds').all()
    expect(JSON.stringify(stored)).not.toContain(SECRET)
    expect(await t.core.secrets.get(`feed:${feed.id}:auth`)).toContain(SECRET)

    // Removing the auth deletes the secret too.
    const cleared = await t.core.call('feeds.update', { id: feed.id, patch: { auth: null } })
    expect(cleared).toMatchObject({ hasAuth: false, authKind: 'none' })
    expect(await t.core.secrets.get(`feed:${feed.id}:auth`)).toBeUndefined()
  })

  it('does not send stored credentials to a new origin unless they are given again', async () => {
    const other = await startFixtureServer()
    try {
      other.route('/list.txt', serve.bytes('198.51.100.8\n', { contentType: 'text/plain' }))
      const feed = await t.core.call('feeds.create', {
        name: 'Keyed list',
        format: 'text',
        url: srv.url('/list.txt'),
        auth: { kind: 'header', name: 'X-Api-Key', value: SECRET },
      })
      const moved = await errorOf(
        t.core.call('feeds.update', { id: feed.id, patch: { url: other.url('/list.txt') } }),
      )
      expect(moved.code).toBe('invalid_input')
      expect(moved.message).toBe(
        `patch.auth: the feed's stored credentials were given for ${new URL(srv.url('/')).origin}; ` +
          `to send them to ${new URL(other.url('/')).origin}, give them again (or remove them with auth: null)`,
      )
      const widened = await errorOf(
        t.core.call('feeds.update', {
          id: feed.id,
          patch: { options: { credentialOrigins: [new URL(other.url('/')).origin] } },
        }),
      )
      expect(widened.message).toMatch(/^patch\.auth: /)
      expect((await t.core.call('feeds.get', { id: feed.id })).url).toBe(srv.url('/list.txt'))

      // Another path on the same origin, or the credentials given again, or dropped: all fine.
      const samePlace = srv.url('/other-list.txt')
      await t.core.call('feeds.update', { id: feed.id, patch: { url: samePlace } })
      const rekeyed = await t.core.call('feeds.update', {
        id: feed.id,
        patch: {
          url: other.url('/list.txt'),
          auth: { kind: 'header', name: 'X-Api-Key', value: 'a-key-for-the-other-server' },
        },
      })
      expect(rekeyed).toMatchObject({ url: other.url('/list.txt'), hasAuth: true })
      await t.core.call('feeds.run', { id: feed.id, wait: true })
      expect(other.requestsTo('/list.txt')[0]?.headers['x-api-key']).toBe(
        'a-key-for-the-other-server',
      )
      const dropped = await t.core.call('feeds.update', {
        id: feed.id,
        patch: { url: srv.url('/list.txt'), auth: null },
      })
      expect(dropped).toMatchObject({ hasAuth: false })
    } finally {
      await other.close()
    }
  })

  it('names the field of a bad cron expression, a URL with credentials and a taken name', async () => {
    const cron = await errorOf(
      t.core.call('feeds.create', {
        name: 'x',
        format: 'text',
        url: 'https://example.org/a',
        schedule: '61 * * * *',
      }),
    )
    expect(cron.code).toBe('invalid_input')
    expect(cron.message).toContain('schedule')
    expect(cron.message).toContain("'61 * * * *'")

    const creds = await errorOf(
      t.core.call('feeds.create', { name: 'x', format: 'text', url: 'https://u:p@example.org/a' }),
    )
    expect(creds.code).toBe('invalid_input')
    expect(creds.message).toContain('url')

    const both = await errorOf(t.core.call('feeds.create', { name: 'x', format: 'text' }))
    expect(both.message).toContain('exactly one of url or path')

    await t.core.call('feeds.create', {
      name: 'Same',
      format: 'text',
      url: 'https://example.org/a',
      schedule: '0 */6 * * *',
    })
    const dup = await errorOf(
      t.core.call('feeds.create', { name: 'same', format: 'text', url: 'https://example.org/b' }),
    )
    expect(dup.code).toBe('conflict')
    expect(dup.message).toContain("'same'")
  })

  it('reports the next scheduled run of enabled feeds only', async () => {
    const feed = await t.core.call('feeds.create', {
      name: 'Hourly',
      format: 'text',
      url: 'https://example.org/a',
      schedule: '0 * * * *',
    })
    expect(feed.nextRunAt).toMatch(/T\d\d:00:00\.000Z$/)
    const off = await t.core.call('feeds.update', { id: feed.id, patch: { enabled: false } })
    expect(off.nextRunAt).toBeNull()
  })

  it('deletes a feed with its runs and observations but keeps the indicators', async () => {
    srv.route('/l.txt', serve.bytes('198.51.100.7\nexample.com\n', { contentType: 'text/plain' }))
    const feed = await t.core.call('feeds.create', {
      name: 'L',
      format: 'text',
      url: srv.url('/l.txt'),
    })
    const run = await t.core.call('feeds.run', { id: feed.id, wait: true })
    expect(run.created).toBe(2)
    expect(countRows(t.core, 'observations')).toBe(2)
    await t.core.call('feeds.delete', { id: feed.id })
    expect(countRows(t.core, 'observations')).toBe(0)
    expect(countRows(t.core, 'indicators')).toBe(2)
    expect((await errorOf(t.core.call('feeds.getRun', { id: run.id }))).code).toBe('not_found')
    expect((await t.core.call('feeds.list', {})).items).toEqual([])
  })

  it('adds built-in feeds from the catalogue, asking for a key where one is needed', async () => {
    const { items } = await t.core.call('feeds.catalogue', {})
    expect(items.length).toBeGreaterThan(3)
    const open = items.find((c) => !c.needsAuthKey)
    if (!open) throw new Error('the catalogue has no keyless feed')
    const feed = await t.core.call('feeds.addFromCatalogue', { key: open.key })
    expect(feed).toMatchObject({
      name: open.name,
      format: open.format,
      url: open.url,
      catalogueKey: open.key,
      hasAuth: false,
    })
    expect(
      (await t.core.call('feeds.catalogue', {})).items.find((c) => c.key === open.key)?.added,
    ).toBe(true)

    const keyed = items.find((c) => c.needsAuthKey)
    if (keyed) {
      const missing = await errorOf(t.core.call('feeds.addFromCatalogue', { key: keyed.key }))
      expect(missing.message).toContain('authKey')
      const withKey = await t.core.call('feeds.addFromCatalogue', {
        key: keyed.key,
        authKey: SECRET,
      })
      expect(withKey.hasAuth).toBe(true)
      expect(JSON.stringify(withKey)).not.toContain(SECRET)
    }
    expect((await errorOf(t.core.call('feeds.addFromCatalogue', { key: 'nope' }))).code).toBe(
      'not_found',
    )
  })
})
