import { describe, it } from 'node:test'
import { expect } from 'expect'
import { clip, oneEntryEvent } from '../src/footfall'
import { actions, advance, mockFetch, sdk, setOnline, stored } from './helpers'

const here = (path: string) => location.origin + path

describe('OneEntry UserActivity', () => {
  // OneEntry's ten types (doc: UserActivity module) and the native action and fields each becomes.
  const cases: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
    ['product_view', { productId: 12 }, 'product_view', { target: { product: '12' } }],
    ['product_add_to_cart', { productId: 'sku-1' }, 'product_add_to_cart', { target: { product: 'sku-1' } }],
    ['product_remove_from_cart', { productId: 'sku-1' }, 'product_remove_from_cart', { target: { product: 'sku-1' } }],
    ['product_add_to_wishlist', { productId: 'sku-2' }, 'product_add_to_wishlist', { target: { product: 'sku-2' } }],
    [
      'product_remove_from_wishlist',
      { productId: 'sku-2' },
      'product_remove_from_wishlist',
      { target: { product: 'sku-2' } },
    ],
    [
      'product_purchase',
      { productId: 'sku-3', meta: { price: 9.5 } },
      'product_purchase',
      { target: { product: 'sku-3' }, params: { price: 9.5 } },
    ],
    [
      'product_rating',
      { productId: 'sku-4', meta: { rating: '4' } },
      'product_rating',
      { target: { product: 'sku-4' }, params: { rating: 4 } },
    ],
    ['page_view', { pageId: 'about' }, 'page_view', { target: { page: 'about' } }],
    ['category_view', { pageId: 'shoes' }, 'category_view', { target: { category: 'shoes' } }],
    ['search', { query: 'red shoes' }, 'search', { target: { query: 'red shoes' } }],
  ]
  for (const [type, fields, action, expected] of cases) {
    it(type, () => {
      const [a, f] = oneEntryEvent({ type, ...fields })
      expect(a).toBe(action)
      expect(f).toEqual({ params: undefined, ...expected })
    })
  }

  // Upper-case aliases some integrations use.
  for (const [type, action] of [
    ['PRODUCT_VIEW', 'product_view'],
    ['ADD_TO_CART', 'product_add_to_cart'],
    ['REMOVE_FROM_CART', 'product_remove_from_cart'],
    ['ADD_TO_WISHLIST', 'product_add_to_wishlist'],
    ['REMOVE_FROM_WISHLIST', 'product_remove_from_wishlist'],
    ['PURCHASE', 'product_purchase'],
    ['PRODUCT_RATING', 'product_rating'],
    ['PAGE_VIEW', 'page_view'],
    ['CATEGORY_VIEW', 'category_view'],
    ['SEARCH', 'search'],
  ]) {
    it(`alias ${type} -> ${action}`, () => {
      expect(oneEntryEvent({ type, productId: 1, pageId: 2, query: 'q' })[0]).toBe(action)
    })
  }

  it('keeps meta as params and does not change the caller object', () => {
    const meta = { rating: '5', block: 'hero' }
    const [, f] = oneEntryEvent({ type: 'product_rating', productId: 7, meta })
    expect(f.params).toEqual({ rating: 5, block: 'hero' })
    expect(meta.rating).toBe('5')
  })

  it('trackUserActivity queues the native event and resolves to true', async () => {
    mockFetch()
    setOnline(false)
    const f = sdk({ autoPageViews: false })
    await expect(
      f.trackUserActivity({ type: 'product_add_to_cart', productId: 'sku-9', meta: { qty: 2 } }),
    ).resolves.toBe(true)
    expect(stored().at(-1)).toMatchObject({
      action: 'product_add_to_cart',
      target: { product: 'sku-9' },
      params: { qty: 2 },
    })
  })
})

describe('Personalize and custom events', () => {
  it('triggerImpression and triggerEvent', () => {
    mockFetch()
    setOnline(false)
    const f = sdk({ autoPageViews: false })
    f.triggerImpression('exp1', '0')
    f.triggerEvent('learnMoreClicked')
    const q = stored().slice(1)
    expect(q[0]).toMatchObject({ action: 'impression', experience: 'exp1', variant: '0' })
    expect(q[1].action).toBe('learnMoreClicked')
  })

  it('track accepts native extras (target, sourceId) but not identity overrides', () => {
    mockFetch()
    setOnline(false)
    const f = sdk({ autoPageViews: false })
    f.track('product_view', { price: 3 }, 'Shoe', {
      target: { product: 'sku-1' },
      sourceId: 'resp-1',
      guestId: 'forged',
    } as never)
    const e = stored().at(-1)!
    expect(e).toMatchObject({ action: 'product_view', target: { product: 'sku-1' }, sourceId: 'resp-1', label: 'Shoe' })
    expect(e.guestId).toBe(f._state().guestId)
  })
})

describe('page visits', () => {
  it('sends page.visit on init with url, title and referrer', () => {
    mockFetch()
    setOnline(false)
    history.replaceState(null, '', '/start?x=1')
    document.title = 'Start page'
    sdk()
    expect(stored()[1]).toMatchObject({
      action: 'page.visit',
      label: 'Start page',
      params: { url: here('/start?x=1'), title: 'Start page', referrer: document.referrer },
    })
  })

  it('regression: a long title is cut to 256 units without splitting an emoji into a lone surrogate', () => {
    mockFetch()
    setOnline(false)
    document.title = 'x'.repeat(255) + '\u{1F600} and more'
    sdk()
    const label: string = stored()[1].label
    expect(label).toBe('x'.repeat(255))
    expect(label.isWellFormed()).toBe(true)
  })

  it('clips at a unit count, keeping whole surrogate pairs', () => {
    expect(clip('ab\u{1F600}', 3)).toBe('ab')
    expect(clip('ab\u{1F600}', 4)).toBe('ab\u{1F600}')
    expect(clip('abc', 2)).toBe('ab')
    expect(clip('', 2)).toBe('')
  })

  it('follows SPA navigation through pushState, replaceState and popstate', async () => {
    mockFetch()
    setOnline(false)
    history.replaceState(null, '', '/start')
    sdk()
    history.pushState({}, '', '/products')
    document.title = 'Products' // set by the app right after navigating
    await advance(0)
    history.replaceState({}, '', '/products') // same URL: not a visit
    await advance(0)
    history.replaceState({}, '', '/products?page=2')
    await advance(0)
    History.prototype.replaceState.call(history, null, '', '/start') // the browser going back
    window.dispatchEvent(new PopStateEvent('popstate'))
    await advance(0)

    const visits = stored().filter((e) => e.action == 'page.visit')
    expect(visits.map((e) => e.params)).toEqual([
      { url: here('/start'), title: 'Home', referrer: '' },
      { url: here('/products'), title: 'Products', referrer: here('/start') },
      { url: here('/products?page=2'), title: 'Products', referrer: here('/products') },
      { url: here('/start'), title: 'Products', referrer: here('/products?page=2') },
    ])
  })

  it('sends no page.visit with autoPageViews: false, nor after _destroy', async () => {
    mockFetch()
    setOnline(false)
    const f = sdk({ autoPageViews: false })
    history.pushState({}, '', '/a')
    await advance(0)
    expect(stored()).toEqual([])
    f._destroy()
    const g = sdk()
    g._destroy()
    history.pushState({}, '', '/b')
    await advance(0)
    expect(actions(stored())).toEqual(['session.start', 'page.visit'])
  })
})
