import { describe, it } from 'node:test'
import { expect } from 'expect'
import { uuid } from '../src/footfall'
import { actions, mockFetch, override, sdk, setOnline, stored, stubGlobal, UUID } from './helpers'

const MIN = 60000
/** A clock the test moves by hand. */
function clock(start = Date.parse('2030-05-01T10:00:00Z')) {
  const c = { t: start, now: () => c.t, iso: (t: number) => new Date(t).toISOString() }
  return c
}

describe('sessions', () => {
  it('starts a session on init; page.visit and later events carry its id', () => {
    mockFetch()
    const c = clock()
    const f = sdk({}, { now: c.now })
    const [start, visit] = stored()
    expect(start).toMatchObject({ action: 'session.start', time: c.iso(c.t) })
    expect(visit.action).toBe('page.visit')
    expect(visit.sessionId).toBe(start.sessionId)
    expect(f._state().sessionId).toBe(start.sessionId)
  })

  it('keeps the session while activity continues, even past 30 minutes in total', () => {
    mockFetch()
    setOnline(false)
    const c = clock()
    const f = sdk({}, { now: c.now })
    const sid = f._state().sessionId
    for (let i = 0; i < 4; i++) {
      c.t += 29 * MIN
      f.track('tick')
    }
    c.t += 30 * MIN // exactly the timeout is not beyond it
    f.track('tick')
    expect(actions(stored())).toEqual(['session.start', 'page.visit', 'tick', 'tick', 'tick', 'tick', 'tick'])
    expect(new Set(stored().map((e) => e.sessionId))).toEqual(new Set([sid]))
  })

  it('ends the old session at its last activity and starts a new one after 30 idle minutes', () => {
    mockFetch()
    setOnline(false)
    const c = clock()
    const f = sdk({}, { now: c.now })
    const first = f._state().sessionId!
    c.t += 10 * MIN
    const last = c.t
    f.track('cart.view')
    c.t += 30 * MIN + 1
    f.track('cart.view')

    const q = stored()
    expect(actions(q)).toEqual([
      'session.start',
      'page.visit',
      'cart.view',
      'session.end',
      'session.start',
      'cart.view',
    ])
    const [end, start, ev] = q.slice(3)
    expect(end).toMatchObject({ sessionId: first, time: new Date(last).toISOString() })
    expect(start.sessionId).not.toBe(first)
    expect(start.sessionId).toMatch(UUID)
    expect(start.time).toBe(new Date(c.t).toISOString())
    expect(ev.sessionId).toBe(start.sessionId)
    expect(f._state().sessionId).toBe(start.sessionId)
    expect(new Set(q.map((e) => e.guestId)).size).toBe(1)
  })

  it('honours sessionTimeoutMinutes', () => {
    mockFetch()
    setOnline(false)
    const c = clock()
    const f = sdk({ sessionTimeoutMinutes: 5, autoPageViews: false }, { now: c.now })
    f.track('a')
    c.t += 5 * MIN + 1
    f.track('b')
    expect(actions(stored())).toEqual(['session.start', 'a', 'session.end', 'session.start', 'b'])
  })

  it('shares the session between tabs: activity in one keeps the other alive', () => {
    mockFetch()
    setOnline(false)
    const c = clock()
    const tabA = sdk({}, { now: c.now })
    const sid = tabA._state().sessionId
    c.t += 20 * MIN
    const tabB = sdk({}, { now: c.now }) // opened later: same session, no new session.start
    expect(tabB._state().sessionId).toBe(sid)
    c.t += 25 * MIN // 45 min after tab A's last event, 25 after tab B's
    tabA.track('back')
    expect(actions(stored())).toEqual(['session.start', 'page.visit', 'page.visit', 'back'])
    expect(new Set(stored().map((e) => e.sessionId))).toEqual(new Set([sid]))
  })

  it('starts a new session on the next page load after a long absence', () => {
    mockFetch()
    setOnline(false)
    const c = clock()
    const first = sdk({}, { now: c.now })
    const sid = first._state().sessionId
    first._destroy()
    c.t += 3 * 60 * MIN
    const next = sdk({}, { now: c.now })
    expect(next._state().sessionId).not.toBe(sid)
    expect(actions(stored())).toEqual(['session.start', 'page.visit', 'session.end', 'session.start', 'page.visit'])
  })
})

describe('guest id', () => {
  it('is generated once, persisted, and the same on reload and in other tabs', () => {
    mockFetch()
    const f = sdk()
    const g = f._state().guestId!
    expect(g).toMatch(UUID)
    expect(localStorage.getItem('footfall.guestId')).toBe(g)
    f.track('x')
    expect(new Set(stored().map((e) => e.guestId))).toEqual(new Set([g]))
    f._destroy()
    expect(sdk()._state().guestId).toBe(g) // reload
    expect(sdk()._state().guestId).toBe(g) // another tab
  })

  it('falls back to a cookie when localStorage throws', () => {
    mockFetch()
    override(window, 'localStorage', {
      get() {
        throw new DOMException('denied', 'SecurityError')
      },
    })
    const f = sdk()
    const g = f._state().guestId!
    expect(g).toMatch(UUID)
    expect(document.cookie).toContain('footfall.guestId=' + g)
    f._destroy()
    const again = sdk()
    expect(again._state().guestId).toBe(g)
    expect(again._state().sessionId).toBe(f._state().sessionId)
  })

  it('uses crypto.randomUUID when the browser has it', () => {
    stubGlobal('crypto', { randomUUID: () => 'from-the-browser' })
    expect(uuid()).toBe('from-the-browser')
  })

  it('makes RFC 4122 v4 ids without crypto.randomUUID', () => {
    stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => b.fill(255) })
    expect(uuid()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff')
    stubGlobal('crypto', undefined)
    const ids = new Set(Array.from({ length: 50 }, () => uuid()))
    expect(ids.size).toBe(50)
    ids.forEach((id) => expect(id).toMatch(UUID))
  })
})

describe('identify and reset', () => {
  it('identify sends one event carrying guest and user id, then the user id on every event', () => {
    mockFetch()
    setOnline(false)
    const f = sdk()
    const g = f._state().guestId
    f.identify('user-42')
    f.identify('user-42') // same user again: nothing new
    f.track('order.placed')
    const q = stored()
    expect(actions(q)).toEqual(['session.start', 'page.visit', 'identify', 'order.placed'])
    expect(q[2]).toMatchObject({ guestId: g, userId: 'user-42' })
    expect(q[3]).toMatchObject({ guestId: g, userId: 'user-42' })
    expect(q[1].userId).toBeUndefined()

    f._destroy()
    const reload = sdk()
    expect(reload._state()).toMatchObject({ guestId: g, userId: 'user-42' })
    expect(stored().at(-1)).toMatchObject({ action: 'page.visit', guestId: g, userId: 'user-42' })
  })

  it('reset ends the session, forgets the user and starts over with a new guest and session', () => {
    mockFetch()
    setOnline(false)
    const f = sdk()
    f.identify('user-42')
    const before = f._state()
    f.reset()
    const after = f._state()
    expect(after.userId).toBeNull()
    expect(after.guestId).toMatch(UUID)
    expect(after.guestId).not.toBe(before.guestId)
    expect(after.sessionId).not.toBe(before.sessionId)

    f.track('browse')
    const q = stored().slice(3)
    expect(actions(q)).toEqual(['session.end', 'session.start', 'browse'])
    expect(q[0]).toMatchObject({ sessionId: before.sessionId, guestId: before.guestId, userId: 'user-42' })
    expect(q[1]).toMatchObject({ sessionId: after.sessionId, guestId: after.guestId })
    expect(q[1].userId).toBeUndefined()
    expect(q[2].userId).toBeUndefined()
    expect(localStorage.getItem('footfall.userId')).toBeNull()
  })
})
