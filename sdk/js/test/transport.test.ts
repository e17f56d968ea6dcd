import { describe, it } from 'node:test'
import { expect } from 'expect'
import { MAX_QUEUE, retryAfter } from '../src/footfall'
import {
  actions,
  advance,
  fn,
  HOST,
  mockBeacon,
  mockFetch,
  override,
  sdk,
  setOnline,
  stored,
  stubGlobal,
  URL_P1,
  UUID,
} from './helpers'

describe('queueing', () => {
  it('queues events and sends them as one batch on the timer', async () => {
    const calls = mockFetch()
    const f = sdk()
    f.track('button.click', { color: 'red' }, 'Red button')
    expect(calls).toHaveLength(0)
    expect(f._state().queue).toBe(3)

    await advance(1999)
    expect(calls).toHaveLength(0)
    await advance(1)
    expect(calls).toHaveLength(1)
    expect(calls[0].url).toBe(URL_P1)
    expect(calls[0].init.method).toBe('POST')
    expect(actions(calls[0].body)).toEqual(['session.start', 'page.visit', 'button.click'])
    const click = calls[0].body[2]
    expect(click).toMatchObject({ action: 'button.click', params: { color: 'red' }, label: 'Red button' })
    expect(click.guestId).toMatch(UUID)
    expect(click.sessionId).toMatch(UUID)
    expect(new Date(click.time).toISOString()).toBe(click.time)
    expect(f._state().queue).toBe(0)
    expect(localStorage.getItem('footfall.queue.p1')).toBeNull()
  })

  it('uses a keepalive POST with a plain string body (no preflight-triggering headers)', async () => {
    const calls = mockFetch()
    const f = sdk()
    await f.flush()
    expect(calls[0].init.keepalive).toBe(true)
    expect(calls[0].init.headers).toBeUndefined()
    expect(typeof calls[0].init.body).toBe('string')
  })

  it('flushes at once when the queue reaches maxBatch', () => {
    const calls = mockFetch()
    const f = sdk({ maxBatch: 3, autoPageViews: false })
    f.track('a') // session.start + a
    expect(calls).toHaveLength(0)
    f.track('b')
    expect(calls).toHaveLength(1)
    expect(actions(calls[0].body)).toEqual(['session.start', 'a', 'b'])
  })

  it('splits a long queue into batches of maxBatch', async () => {
    const calls = mockFetch()
    const f = sdk({ maxBatch: 3, autoPageViews: false })
    setOnline(false) // hold everything back
    for (let i = 0; i < 6; i++) f.track('e' + i)
    expect(calls).toHaveLength(0)
    setOnline(true)
    await f.flush()
    expect(calls.map((c) => c.body.length)).toEqual([3, 3, 1])
    expect(f._state().queue).toBe(0)
  })

  it('gives every event its own id', async () => {
    const calls = mockFetch()
    const f = sdk({ autoPageViews: false })
    for (let i = 0; i < 20; i++) f.track('e')
    await f.flush()
    const ids = calls.flatMap((c) => c.body.map((e) => e.id))
    expect(ids).toHaveLength(21)
    expect(new Set(ids).size).toBe(21)
    ids.forEach((id) => expect(id).toMatch(UUID))
  })

  it('flush() resolves once delivered and never rejects when the network fails', async () => {
    mockFetch(() => 'error')
    const f = sdk()
    await expect(f.flush()).resolves.toBeUndefined()
    expect(f._state().queue).toBe(2)
    mockFetch()
    await f.flush()
    expect(f._state().queue).toBe(0)
  })

  it('keeps at most MAX_QUEUE events, dropping the oldest', () => {
    mockFetch()
    setOnline(false)
    const f = sdk({ autoPageViews: false })
    for (let i = 0; i < MAX_QUEUE + 5; i++) f.track('e' + i)
    const q = stored()
    expect(q).toHaveLength(MAX_QUEUE)
    expect(q[0].action).toBe('e5')
    expect(q[MAX_QUEUE - 1].action).toBe('e' + (MAX_QUEUE + 4))
  })

  it('sends to the page origin when no host is given', async () => {
    const calls = mockFetch()
    const f = sdk({ host: undefined, projectId: 'a b' })
    await f.flush()
    expect(calls[0].url).toBe('/v1/events?project=a%20b')
  })
})

describe('persistence', () => {
  it('keeps queued events in localStorage and sends them from the next page load', async () => {
    const calls = mockFetch(() => 'error')
    const tab1 = sdk()
    tab1.track('cart.view')
    await tab1.flush()
    const ids = stored().map((e) => e.id)
    expect(actions(stored())).toEqual(['session.start', 'page.visit', 'cart.view'])
    tab1._destroy() // the tab is closed

    mockFetch()
    const next = sdk({ autoPageViews: false })
    expect(next._state().queue).toBe(3)
    await advance(2000)
    const delivered = (fetch as unknown as { mock: { calls: [string, RequestInit][] } }).mock.calls
    expect(delivered).toHaveLength(1)
    expect(JSON.parse(String(delivered[0][1].body)).map((e: { id: string }) => e.id)).toEqual(ids)
    expect(stored()).toEqual([])
    expect(calls).toHaveLength(1) // the failed attempt only
  })

  it('falls back to memory when localStorage refuses writes', async () => {
    const calls = mockFetch()
    const setItem = Storage.prototype.setItem
    override(Storage.prototype, 'setItem', {
      value(this: Storage, k: string, v: string) {
        if (k.startsWith('footfall.queue')) throw new DOMException('full', 'QuotaExceededError')
        return setItem.call(this, k, v)
      },
      writable: true,
    })
    const f = sdk()
    f.track('x')
    expect(f._state().queue).toBe(3)
    await f.flush()
    expect(actions(calls[0].body)).toEqual(['session.start', 'page.visit', 'x'])
  })
})

describe('retries', () => {
  it('retries a 503 after Retry-After with the same event ids', async () => {
    const calls = mockFetch((n) => (n == 1 ? { status: 503, headers: { 'Retry-After': '5' } } : { status: 200 }))
    const f = sdk()
    await f.flush()
    expect(calls).toHaveLength(1)
    expect(f._state().queue).toBe(2)

    await advance(4999)
    expect(calls).toHaveLength(1)
    await advance(1)
    expect(calls).toHaveLength(2)
    expect(calls[1].body.map((e) => e.id)).toEqual(calls[0].body.map((e) => e.id))
    expect(calls[1].body).toEqual(calls[0].body)
    expect(f._state().queue).toBe(0)
  })

  it('backs off exponentially on network errors, keeping ids', async () => {
    const calls = mockFetch((n) => (n < 4 ? 'error' : { status: 202 }))
    const f = sdk({ autoPageViews: false }, { random: () => 0 }) // jitter at its lower bound: half the step
    f.track('x')
    await advance(2000)
    expect(calls).toHaveLength(1)
    for (const [wait, total] of [
      [1000, 2],
      [2000, 3],
      [4000, 4],
    ]) {
      await advance(wait - 1)
      expect(calls).toHaveLength(total - 1)
      await advance(1)
      expect(calls).toHaveLength(total)
    }
    const ids = calls.map((c) => c.body.map((e) => e.id).join())
    expect(new Set(ids).size).toBe(1)
    expect(f._state()).toMatchObject({ queue: 0, attempt: 0 })
    await advance(120000)
    expect(calls).toHaveLength(4)
  })

  it('adds jitter up to the full step', async () => {
    const calls = mockFetch((n) => (n == 1 ? 'error' : { status: 202 }))
    const f = sdk({ autoPageViews: false }, { random: () => 0.999999 })
    f.track('x')
    await advance(2000)
    await advance(1998)
    expect(calls).toHaveLength(1)
    await advance(2)
    expect(calls).toHaveLength(2)
  })

  it('caps the backoff at one minute', async () => {
    const calls = mockFetch(() => 'error')
    const f = sdk({ autoPageViews: false }, { random: () => 0.999999 })
    f.track('x')
    await advance(2000 + 2000 + 4000 + 8000 + 16000 + 32000)
    expect(calls).toHaveLength(6)
    await advance(60000)
    expect(calls).toHaveLength(7)
    await advance(60000)
    expect(calls).toHaveLength(8)
  })

  for (const status of [429, 408, 500, 502]) {
    it('retries status ' + status, async () => {
      const calls = mockFetch((n) => (n == 1 ? { status } : { status: 200 }))
      const f = sdk({}, { random: () => 0 })
      await f.flush()
      expect(f._state().queue).toBe(2)
      await advance(1000)
      expect(calls).toHaveLength(2)
      expect(f._state().queue).toBe(0)
    })
  }

  for (const status of [400, 404, 413]) {
    it('drops the batch on status ' + status, async () => {
      const calls = mockFetch(() => ({ status }))
      const f = sdk()
      await f.flush()
      expect(f._state().queue).toBe(0)
      await advance(600000)
      expect(calls).toHaveLength(1)
    })
  }

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z')
    expect(retryAfter('7', now)).toBe(7000)
    expect(retryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30000)
    expect(retryAfter('99999', now)).toBe(600000)
    expect(retryAfter(null, now)).toBe(0)
    expect(retryAfter('soon', now)).toBe(0)
  })
})

describe('offline and page hide', () => {
  it('holds events while offline and delivers them exactly once when back online', async () => {
    const calls = mockFetch()
    setOnline(false)
    const f = sdk()
    f.track('offline.click')
    await advance(60000)
    expect(calls).toHaveLength(0)
    expect(f._state().queue).toBe(3)

    setOnline(true)
    window.dispatchEvent(new Event('online'))
    await advance(0)
    expect(calls).toHaveLength(1)
    expect(actions(calls[0].body)).toEqual(['session.start', 'page.visit', 'offline.click'])
    await advance(600000)
    expect(calls).toHaveLength(1)
  })

  it('retries at once when the browser comes back online during a backoff', async () => {
    const calls = mockFetch((n) => (n == 1 ? 'error' : { status: 202 }))
    const f = sdk({}, { random: () => 0.5 })
    await f.flush()
    expect(calls).toHaveLength(1)
    window.dispatchEvent(new Event('online'))
    await advance(0)
    expect(calls).toHaveLength(2)
    expect(f._state().queue).toBe(0)
  })

  it('hands the queue to sendBeacon on pagehide', () => {
    const calls = mockFetch()
    const beacon = mockBeacon(true)
    const f = sdk()
    f.track('checkout.leave')
    window.dispatchEvent(new Event('pagehide'))
    expect(beacon).toHaveBeenCalledTimes(1)
    expect(beacon.mock.calls[0][0]).toBe(URL_P1)
    const body = JSON.parse(String(beacon.mock.calls[0][1]))
    expect(actions(body)).toEqual(['session.start', 'page.visit', 'checkout.leave'])
    expect(f._state().queue).toBe(0)
    expect(calls).toHaveLength(0)
  })

  it('beacons when the page becomes hidden', () => {
    mockFetch()
    const beacon = mockBeacon(true)
    sdk()
    override(document, 'visibilityState', { get: () => 'hidden' })
    document.dispatchEvent(new Event('visibilitychange'))
    expect(beacon).toHaveBeenCalledTimes(1)
  })

  it('keeps the events when sendBeacon refuses them, or when offline', () => {
    mockFetch()
    const beacon = mockBeacon(false)
    const f = sdk()
    window.dispatchEvent(new Event('pagehide'))
    expect(beacon).toHaveBeenCalledTimes(1)
    expect(f._state().queue).toBe(2)

    setOnline(false)
    window.dispatchEvent(new Event('pagehide'))
    expect(beacon).toHaveBeenCalledTimes(1)
    expect(f._state().queue).toBe(2)
  })

  it('does not beacon while the server is failing: the events wait for the next page load', async () => {
    mockFetch(() => ({ status: 503 }))
    const beacon = mockBeacon(true)
    const f = sdk()
    await f.flush()
    window.dispatchEvent(new Event('pagehide'))
    expect(beacon).not.toHaveBeenCalled()
    expect(stored()).toHaveLength(2)
  })

  it('does not beacon events whose request is still in flight', async () => {
    let release: (v: unknown) => void = () => {}
    stubGlobal(
      'fetch',
      fn(() => new Promise((r) => (release = r))),
    )
    const beacon = mockBeacon(true)
    const f = sdk()
    const p = f.flush()
    f.track('late')
    window.dispatchEvent(new Event('pagehide'))
    expect(beacon).toHaveBeenCalledTimes(1)
    expect(actions(JSON.parse(String(beacon.mock.calls[0][1])))).toEqual(['late'])
    release({ status: 202, headers: { get: () => null } })
    await p
    expect(f._state().queue).toBe(0)
  })
})

describe('never throws into the page', () => {
  it('survives a missing fetch, unserialisable params and a throwing localStorage', async () => {
    stubGlobal('fetch', undefined)
    const f = sdk()
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(f.track('ok')).toBe(true)
    expect(f.track('bad', circular)).toBe(false)
    await expect(f.flush()).resolves.toBeUndefined()
    expect(f._state().queue).toBe(3)

    override(window, 'localStorage', {
      get() {
        throw new DOMException('denied', 'SecurityError')
      },
    })
    const g = sdk({ host: HOST })
    expect(() => g.track('x')).not.toThrow()
    expect(() => g.identify('u')).not.toThrow()
    expect(() => g.reset()).not.toThrow()
  })

  it('ignores calls before init and a second init', async () => {
    const calls = mockFetch()
    const { createFootfall } = await import('../src/footfall')
    const f = createFootfall()
    expect(f.track('x')).toBe(false)
    await expect(f.flush()).resolves.toBeUndefined()
    f.init({ projectId: 'p1', host: HOST })
    f.init({ projectId: 'p2', host: 'https://other.test' })
    await f.flush()
    f._destroy()
    expect(calls.map((c) => c.url)).toEqual([URL_P1])
  })
})
