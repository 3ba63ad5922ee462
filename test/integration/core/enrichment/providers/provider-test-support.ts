import type { Tlp } from '#shared/domain/enums'
import type { IocType } from '#shared/domain/enums'
import type {
  HttpEnv,
  HttpProvider,
  HttpReply,
  LookupSubject,
  ProviderAnswer,
} from '#core/enrichment/provider-types'

/**
 * Sends a provider's request to the fixture server the way the engine will (GET, its headers) and hands the
 * reply to parse: these tests are about the mapping, so there are no retries, budgets or caps here.
 */

export const subject = (type: IocType, value: string, tlp: Tlp = 'clear'): LookupSubject => ({
  indicatorId: '00000000-0000-4000-8000-000000000001',
  type,
  value,
  tlp,
})

export const send = async (p: HttpProvider, s: LookupSubject, env: HttpEnv): Promise<HttpReply> => {
  const call = p.request(s, env)
  const res = await fetch(call.url, { method: call.method ?? 'GET', headers: call.headers })
  const text = await res.text()
  return {
    status: res.status,
    json: text === '' ? null : (JSON.parse(text) as unknown),
    headers: Object.fromEntries(res.headers.entries()),
  }
}

export const lookup = async (
  p: HttpProvider,
  s: LookupSubject,
  env: HttpEnv,
): Promise<ProviderAnswer> => {
  const reply = await send(p, s, env)
  if (reply.status !== 200 && !p.notFoundStatuses.includes(reply.status)) {
    throw new Error(`${p.id}: the fixture server answered ${reply.status}`)
  }
  return p.parse(reply, s)
}

export const factsOf = (a: ProviderAnswer): Record<string, unknown> =>
  Object.fromEntries(a.finding.facts.map((f) => [f.key, f.value]))

export const reply = (json: unknown, status = 200): HttpReply => ({ status, json, headers: {} })
