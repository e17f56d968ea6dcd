import { describe, it } from 'node:test'
import { expect } from 'expect'
import { createFootfall } from '../src/footfall'
import { actions, advance, HOST, mockBeacon, mockFetch, override, sdk, stored } from './helpers'

function footfallKeys() {
  const keys = Object.keys(localStorage).filter((k) => k.startsWith('footfall.'))
  return keys.concat(document.cookie.includes('footfall.') ? ['cookie'] : [])
}

describe('opt-out', () => {
  it('optOut stops recording, clears the queue and persists across page loads', async () => {
    const calls = mockFetch()
    const beacon = mockBeacon()
    const f = sdk()
    f.identify('u0')
    const guest = f._state().guestId
    expect(f._state().queue).toBe(3)
    f.optOut()
    expect(f._state()).toMatchObject({ optedOut: true, enabled: false, queue: 0 })
    expect(footfallKeys()).toEqual(['footfall.optOut']) // the ids are forgotten too
    expect(f.track('x')).toBe(false)
    f.identify('u1')
    await f.flush()
    window.dispatchEvent(new Event('pagehide'))
    await advance(60000)
    expect(calls).toHaveLength(0)
    expect(beacon).not.toHaveBeenCalled()
    f._destroy()

    const reload = sdk()
    expect(reload._state()).toMatchObject({ optedOut: true, queue: 0 })
    expect(reload.track('x')).toBe(false)
    await advance(60000)
    expect(calls).toHaveLength(0)

    reload.optIn()
    expect(reload.track('back')).toBe(true)
    expect(reload._state().guestId).not.toBe(guest)
    await reload.flush()
    expect(calls).toHaveLength(1)
    expect(actions(calls[0].body)).toContain('back')
  })

  it('optOut works before init, and then nothing is stored at all', () => {
    mockFetch()
    const f = createFootfall()
    f.optOut()
    f.init({ projectId: 'p1', host: HOST })
    expect(f._state()).toMatchObject({ initialized: true, enabled: false, guestId: null, sessionId: null })
    expect(footfallKeys()).toEqual(['footfall.optOut'])
    f._destroy()
  })

  it('init({disabled: true}) records and sends nothing, and stores no id', async () => {
    const calls = mockFetch()
    const f = sdk({ disabled: true })
    expect(f.track('x')).toBe(false)
    expect(f.triggerImpression('e', 'v')).toBe(false)
    await expect(f.trackUserActivity({ type: 'product_view', productId: 1 })).resolves.toBe(false)
    history.pushState(null, '', '/elsewhere')
    await advance(60000)
    await f.flush()
    expect(calls).toHaveLength(0)
    expect(footfallKeys()).toEqual([])
    expect(f._state().enabled).toBe(false)
  })
})

describe('Global Privacy Control', () => {
  it('sends nothing when respected and the browser signals it', async () => {
    const calls = mockFetch()
    override(navigator, 'globalPrivacyControl', { get: () => true })
    const f = sdk({ respectGlobalPrivacyControl: true })
    expect(f.track('x')).toBe(false)
    await f.flush()
    await advance(60000)
    expect(calls).toHaveLength(0)
    expect(footfallKeys()).toEqual([])
  })

  it('is ignored unless respectGlobalPrivacyControl is set', async () => {
    const calls = mockFetch()
    override(navigator, 'globalPrivacyControl', { get: () => true })
    const f = sdk()
    expect(f.track('x')).toBe(true)
    await f.flush()
    expect(calls).toHaveLength(1)
  })

  it('records normally when respected but the browser does not signal it', () => {
    mockFetch()
    override(navigator, 'globalPrivacyControl', { get: () => false })
    const f = sdk({ respectGlobalPrivacyControl: true })
    expect(f.track('x')).toBe(true)
    expect(actions(stored())).toEqual(['session.start', 'page.visit', 'x'])
  })
})
