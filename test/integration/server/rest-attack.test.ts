import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smallBundle } from '../../unit/core/attack/attack-fixtures'
import { restCall, startTestServer, type TestServer } from './http-support'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer()
})
afterAll(async () => {
  await t.close()
})

describe('REST /api/v1/attack', () => {
  it('serves the catalogue, tactics, techniques and the matrix; imports a bundle as text, never a path', async () => {
    const info = await restCall(t, 'GET', '/api/v1/attack/catalogue')
    expect(info.body).toMatchObject({ origin: 'builtin', version: '18.1' })
    const tactics = await restCall(t, 'GET', '/api/v1/attack/tactics')
    expect((tactics.body as { items: { id: string }[] }).items).toHaveLength(14)
    const found = await restCall(
      t,
      'GET',
      '/api/v1/attack/techniques?q=T1059&tactic=execution&limit=2',
    )
    expect((found.body as { items: { id: string }[] }).items.map((x) => x.id)).toEqual([
      'T1059',
      'T1059.001',
    ])
    const one = await restCall(t, 'GET', '/api/v1/attack/techniques/T1059.001')
    expect(one.body).toMatchObject({ id: 'T1059.001', parent: { id: 'T1059' } })
    expect((await restCall(t, 'GET', '/api/v1/attack/techniques/T9999')).status).toBe(404)
    const matrix = await restCall(t, 'GET', '/api/v1/attack/matrix')
    expect((matrix.body as { tactics: unknown[] }).tactics).toHaveLength(14)

    const bad = await restCall(t, 'POST', '/api/v1/attack/import', { text: '{"type":"indicator"}' })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toMatch(/type is not \\"bundle\\"/)
    const path = await restCall(t, 'POST', '/api/v1/attack/import', { path: '/etc/passwd' })
    expect(path.status).toBe(403)
    const ok = await restCall(t, 'POST', '/api/v1/attack/import', {
      text: JSON.stringify(smallBundle()),
    })
    expect(ok.body).toMatchObject({
      catalogue: { origin: 'imported', version: '19.0' },
      retired: 2,
    })
    const reset = await restCall(t, 'POST', '/api/v1/attack/reset', {})
    expect(reset.body).toMatchObject({ origin: 'builtin' })
    const rebuilt = await restCall(t, 'POST', '/api/v1/attack/rebuild-knowledge', {})
    expect(rebuilt.body).toMatchObject({ objects: 0, entities: 0 })
  })
})
