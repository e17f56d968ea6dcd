import './dom'
import FakeTimers from '@sinonjs/fake-timers'
import { fn as mockFn } from 'jest-mock'
import { afterEach, beforeEach } from 'node:test'
import { createFootfall, type Footfall, type FootfallEvent, type InitOptions } from '../src/footfall'

export const HOST = 'https://ff.test'
export const URL_P1 = HOST + '/v1/events?project=p1'
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export type Reply = { status: number; headers?: Record<string, string> } | 'error'
export interface Call {
  url: string
  init: RequestInit
  body: FootfallEvent[]
}

export const fn = mockFn

let clock: FakeTimers.InstalledClock | undefined
/** Moves the fake clock (timers and Date) forward, running due timers and the promises they settle. */
export async function advance(ms: number) {
  await clock!.tickAsync(ms)
}

/** Replaces a global for the current test. */
export function stubGlobal(name: string, value: unknown) {
  override(globalThis, name, { value, writable: true })
}

/** Replaces fetch; `reply(n)` answers the n-th request (1-based). Returns the recorded requests. */
export function mockFetch(reply: (n: number, body: FootfallEvent[]) => Reply = () => ({ status: 202 })) {
  const calls: Call[] = []
  const f = fn(async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as FootfallEvent[]
    calls.push({ url, init, body })
    const r = reply(calls.length, body)
    if (r === 'error') throw new TypeError('Failed to fetch')
    return {
      status: r.status,
      headers: { get: (k: string) => (r.headers && r.headers[k]) ?? null },
    }
  })
  stubGlobal('fetch', f)
  return calls
}

/** Overrides a property of an object for the current test. */
const restores: (() => void)[] = []
export function override(obj: object, key: string, desc: PropertyDescriptor) {
  const had = Object.getOwnPropertyDescriptor(obj, key)
  Object.defineProperty(obj, key, { configurable: true, ...desc })
  restores.push(() => {
    if (had) Object.defineProperty(obj, key, had)
    else delete (obj as Record<string, unknown>)[key]
  })
}
let online = true
export function setOnline(v: boolean) {
  online = v
}
export function mockBeacon(result = true) {
  const f = fn((_url: string, _body?: BodyInit | null) => result)
  override(navigator, 'sendBeacon', { value: f, writable: true })
  return f
}

const instances: Footfall[] = []
/** A fresh SDK instance, as a new page load (or another tab) would create. */
export function sdk(opts: Partial<InitOptions> = {}, deps: Parameters<typeof createFootfall>[0] = {}) {
  const f = createFootfall(deps)
  instances.push(f)
  f.init({ projectId: 'p1', host: HOST, ...opts })
  return f
}
export function stored(key = 'footfall.queue.p1'): FootfallEvent[] {
  return JSON.parse(localStorage.getItem(key) || '[]')
}
export const actions = (evs: FootfallEvent[]) => evs.map((e) => e.action)

export function clearCookies() {
  for (const c of document.cookie.split('; ')) {
    const k = c.split('=')[0]
    if (k) document.cookie = k + '=;path=/;max-age=0'
  }
}

beforeEach(() => {
  clock = FakeTimers.install({
    now: Date.now(),
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  })
  localStorage.clear()
  clearCookies()
  online = true
  override(navigator, 'onLine', { get: () => online })
  History.prototype.replaceState.call(history, null, '', '/')
  document.title = 'Home'
})

afterEach(() => {
  while (instances.length) instances.pop()!._destroy()
  while (restores.length) restores.pop()!()
  clock!.uninstall()
  clock = undefined
})
