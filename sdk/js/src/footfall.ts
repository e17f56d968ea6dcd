// Footfall browser SDK. No runtime dependencies; everything here must stay small (budget: 6 KB gzipped)
// and must never throw into the host page.

export interface InitOptions {
  /** Public project id (sent as `?project=`). Required. */
  projectId: string
  /** Server origin, e.g. "https://stats.example.com". Default: the page's own origin. */
  host?: string
  /** Milliseconds between timed flushes. Default 2000. */
  flushInterval?: number
  /** Events per request; a queue this long is flushed at once. Default 50 (1..1000). */
  maxBatch?: number
  /** Send `page.visit` on init and on SPA navigation. Default true. */
  autoPageViews?: boolean
  /** When true and `navigator.globalPrivacyControl === true`, nothing is recorded or sent. Default false. */
  respectGlobalPrivacyControl?: boolean
  /** Inactivity after which a new session starts. Default 30. */
  sessionTimeoutMinutes?: number
  /** Per-site opt-out: record and send nothing. Default false. */
  disabled?: boolean
}

/** Extra native fields for `track`. */
export interface Fields {
  params?: Record<string, unknown>
  label?: string
  target?: Record<string, string>
  sourceId?: string
  experience?: string
  variant?: string
}

export interface FootfallEvent extends Fields {
  id: string
  action: string
  time: string
  guestId: string
  userId?: string
  sessionId: string
}

/** OneEntry UserActivity event (https://doc.oneentry.cloud, UserActivity module). */
export interface UserActivity {
  type: string
  productId?: string | number
  pageId?: string | number
  query?: string
  meta?: Record<string, unknown>
}

export interface State {
  initialized: boolean
  enabled: boolean
  optedOut: boolean
  guestId: string | null
  userId: string | null
  sessionId: string | null
  queue: number
  attempt: number
}

/** Injection points for tests. */
export interface Deps {
  now?: () => number
  random?: () => number
}

type Session = { i: string; l: number }

const P = 'footfall.'
const GUEST = P + 'guestId'
const USER = P + 'userId'
const SESS = P + 'session'
const OPT = P + 'optOut'
/** Most events kept while the server cannot be reached; the oldest go first. */
export const MAX_QUEUE = 1000
/** Browsers refuse keepalive/beacon bodies over 64 KiB in flight. */
const KEEPALIVE_MAX = 60000
const NAV = 'footfall:navigate'

// OneEntry's ten activity types are the native action names; the upper-case aliases
// (PRODUCT_VIEW, ADD_TO_CART, PURCHASE, ...) map onto them.
const ONEENTRY =
  'product_view product_add_to_cart product_remove_from_cart product_add_to_wishlist product_remove_from_wishlist product_purchase product_rating page_view category_view search'.split(
    ' ',
  )

/** Maps a OneEntry activity to a native action and its fields; exported for tests. */
export function oneEntryEvent(a: UserActivity): [string, Fields] {
  let t = String(a.type).toLowerCase()
  if (ONEENTRY.indexOf(t) < 0 && ONEENTRY.indexOf('product_' + t) >= 0) t = 'product_' + t
  const params: Record<string, unknown> | undefined = a.meta ? { ...a.meta } : undefined
  let target: Record<string, string> | undefined
  if (t.indexOf('product_') == 0) {
    target = { product: String(a.productId) }
    if (t == 'product_rating' && params) params.rating = Number(params.rating)
  } else if (t == 'page_view') target = { page: String(a.pageId) }
  else if (t == 'category_view') target = { category: String(a.pageId) }
  else if (t == 'search') target = { query: String(a.query) }
  return [t, { params, target }]
}

export function uuid(rnd: () => number = Math.random): string {
  const c = typeof crypto != 'undefined' ? crypto : undefined
  if (c && c.randomUUID) return c.randomUUID()
  const b = new Uint8Array(16)
  if (c && c.getRandomValues) c.getRandomValues(b)
  else for (let i = 0; i < 16; i++) b[i] = (rnd() * 256) | 0
  b[6] = (b[6] & 15) | 64
  b[8] = (b[8] & 63) | 128
  let s = ''
  for (let i = 0; i < 16; i++)
    s += (i == 4 || i == 6 || i == 8 || i == 10 ? '-' : '') + (b[i] + 256).toString(16).slice(1)
  return s
}

/** The first n UTF-16 units of s, never ending in half a surrogate pair: the server refuses a lone surrogate. */
export function clip(s: string, n: number): string {
  const c = s.slice(0, n)
  const last = c.charCodeAt(c.length - 1)
  return last >= 0xd800 && last < 0xdc00 ? c.slice(0, -1) : c
}

/** Milliseconds from a Retry-After header (seconds or HTTP date), capped at 10 minutes; 0 when absent. */
export function retryAfter(h: string | null, now: number): number {
  if (!h) return 0
  const ms = /^\s*\d+\s*$/.test(h) ? +h * 1000 : Date.parse(h) - now
  return ms > 0 ? Math.min(ms, 6e5) : 0
}

export function createFootfall(deps: Deps = {}) {
  const now = deps.now || (() => Date.now())
  const rnd = deps.random || Math.random
  let o: Required<InitOptions> | undefined
  let url = ''
  // Storage: localStorage, else cookies, else memory (mode 0, 1, 2).
  let mode = -1
  const mem: Record<string, string> = {}
  let memQ: FootfallEvent[] = []
  let qInStorage = true
  const inflight: Record<string, 1> = {}
  let timer: ReturnType<typeof setTimeout> | 0 = 0
  let waiting = false
  let attempt = 0
  let running: Promise<void> | undefined
  let lastUrl = ''
  let unlisten: (() => void) | undefined

  const ls = () => window.localStorage
  const cookieGet = (k: string) => {
    const m = document.cookie.match(new RegExp('(?:^|; )' + k.replace(/\./g, '\\.') + '=([^;]*)'))
    return m ? decodeURIComponent(m[1]) : null
  }
  const cookieSet = (k: string, v: string, age = 63072000) => {
    document.cookie = k + '=' + encodeURIComponent(v) + ';path=/;max-age=' + age + ';SameSite=Lax'
  }
  function storageMode(): number {
    if (mode < 0) {
      mode = 2
      try {
        ls().setItem(P + 't', '1')
        ls().removeItem(P + 't')
        mode = 0
      } catch {
        try {
          cookieSet(P + 't', '1')
          if (cookieGet(P + 't')) mode = 1
          cookieSet(P + 't', '', 0)
        } catch {}
      }
    }
    return mode
  }
  function get(k: string): string | null {
    try {
      const m = storageMode()
      if (m == 0) return ls().getItem(k) ?? cookieGet(k)
      if (m == 1) return cookieGet(k)
    } catch {}
    return mem[k] ?? null
  }
  function set(k: string, v: string) {
    mem[k] = v
    try {
      const m = storageMode()
      if (m == 0) {
        try {
          ls().setItem(k, v)
        } catch {
          cookieSet(k, v)
        }
      } else if (m == 1) cookieSet(k, v)
    } catch {}
  }
  function del(k: string) {
    delete mem[k]
    try {
      if (storageMode() == 0) ls().removeItem(k)
      if (cookieGet(k) != null) cookieSet(k, '', 0)
    } catch {}
  }

  // The queue lives in localStorage (shared by the site's tabs, so a closed tab's or an offline
  // visitor's events are sent later) or, failing that, in memory. Sending the same event twice is
  // harmless: the server stores each event id once.
  const qKey = () => P + 'queue.' + o!.projectId
  function qr(): FootfallEvent[] {
    if (qInStorage && storageMode() == 0) {
      try {
        return JSON.parse(ls().getItem(qKey()) || '[]')
      } catch {}
    }
    return memQ.slice()
  }
  function qw(a: FootfallEvent[]) {
    memQ = a
    if (qInStorage && storageMode() == 0) {
      try {
        if (a.length) ls().setItem(qKey(), JSON.stringify(a))
        else ls().removeItem(qKey())
      } catch {
        qInStorage = false
      }
    }
  }
  function remove(batch: FootfallEvent[]) {
    const ids: Record<string, 1> = {}
    batch.forEach((e) => (ids[e.id] = 1))
    qw(qr().filter((e) => !ids[e.id]))
  }

  const optedOut = () => get(OPT) == '1'
  function off(): boolean {
    return (
      !o ||
      o.disabled ||
      optedOut() ||
      (o.respectGlobalPrivacyControl && (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true)
    )
  }

  function guest(): string {
    let g = get(GUEST)
    if (!g) set(GUEST, (g = uuid(rnd)))
    return g
  }
  function sess(): Session | null {
    try {
      const s = JSON.parse(get(SESS) || 'null')
      return s && s.i ? s : null
    } catch {
      return null
    }
  }
  function push(action: string, f: Fields & { sessionId: string }, t: number): boolean {
    const e: FootfallEvent = { ...f, id: uuid(rnd), action, time: new Date(t).toISOString(), guestId: guest() }
    const u = get(USER)
    if (u) e.userId = u
    try {
      JSON.stringify(e) // an unserialisable params object is dropped here, not retried forever
    } catch {
      return false
    }
    const q = qr()
    q.push(e)
    qw(q.slice(-MAX_QUEUE))
    if (q.length >= o!.maxBatch) pump()
    else if (!timer) arm(o!.flushInterval)
    return true
  }
  // Sessions as Synerise tracks them: one per visitor (shared by tabs), ended by inactivity.
  function session(t: number): string {
    let s = sess()
    if (!s || t - s.l > o!.sessionTimeoutMinutes * 60000) {
      if (s) push('session.end', { sessionId: s.i }, s.l)
      s = { i: uuid(rnd), l: t }
      push('session.start', { sessionId: s.i }, t)
    }
    s.l = Math.max(s.l, t)
    set(SESS, JSON.stringify(s))
    return s.i
  }
  function emit(action: string, f: Fields = {}): boolean {
    if (off()) return false
    const t = now()
    return push(String(action), { ...f, sessionId: session(t) }, t)
  }

  // Transport.
  function arm(ms: number) {
    if (timer) clearTimeout(timer)
    timer = setTimeout(tick, ms)
  }
  function tick() {
    timer = 0
    waiting = false
    pump()
  }
  function backoff(): number {
    const d = Math.min(60000, 1000 * 2 ** ++attempt)
    return d / 2 + (rnd() * d) / 2
  }
  /** Sends one batch. Resolves to 0 when it is done with (delivered or refused), else the retry delay. */
  async function send(batch: FootfallEvent[]): Promise<number> {
    let delay = 0
    batch.forEach((e) => (inflight[e.id] = 1))
    try {
      const body = JSON.stringify(batch)
      // A string body goes as text/plain: a CORS "simple" request, no preflight.
      const r = await fetch(url, { method: 'POST', body, keepalive: body.length < KEEPALIVE_MAX })
      const s = r.status
      if (s >= 500 || s == 429 || s == 408) {
        const ra = retryAfter(r.headers.get('Retry-After'), Date.now())
        delay = backoff()
        if (ra) delay = ra
      } else attempt = 0 // 2xx, or another 4xx: the server kept any refused event aside
    } catch {
      delay = backoff()
    }
    batch.forEach((e) => delete inflight[e.id])
    if (!delay) remove(batch)
    return delay
  }
  async function loop() {
    try {
      while (navigator.onLine !== false && !off()) {
        const batch = qr().slice(0, o!.maxBatch)
        if (!batch.length) return
        const d = await send(batch)
        if (d) {
          waiting = true
          arm(d)
          return
        }
        waiting = false
      }
    } catch {}
  }
  function pump(force?: boolean): Promise<void> {
    if (running) return force ? running.then(() => pump(true)) : running
    if (!o || (waiting && !force)) return Promise.resolve()
    const p = (running = loop().then(() => {
      running = undefined
    }))
    return p
  }
  /** On pagehide: hand the queue to sendBeacon, which outlives the page. Not while offline or while
   * the server is failing: a beacon's fate is unknown, so those events wait in storage instead. */
  function beacon() {
    if (off() || navigator.onLine === false || waiting) return
    const q = qr().filter((e) => !inflight[e.id])
    while (q.length) {
      const b = q.splice(0, o!.maxBatch)
      const body = JSON.stringify(b)
      let ok = false
      try {
        ok = navigator.sendBeacon
          ? navigator.sendBeacon(url, body)
          : (fetch(url, { method: 'POST', body, keepalive: true }).catch(() => {}), body.length < KEEPALIVE_MAX)
      } catch {}
      if (!ok) return // kept in storage for the next page load
      remove(b)
    }
  }

  // Page visits.
  function visit(u: string, referrer: string) {
    const title = document.title
    emit('page.visit', { params: { url: u, title, referrer }, label: title ? clip(title, 256) : undefined })
  }
  function nav() {
    const h = location.href
    if (h != lastUrl) {
      const ref = lastUrl
      lastUrl = h
      // Let the app set the new title first.
      setTimeout(() => visit(h, ref), 0)
    }
  }

  function init(opts: InitOptions) {
    if (o || !opts || !opts.projectId || typeof window == 'undefined') return
    const d: Record<string, unknown> = {
      host: '',
      flushInterval: 2000,
      maxBatch: 50,
      autoPageViews: true,
      respectGlobalPrivacyControl: false,
      sessionTimeoutMinutes: 30,
      disabled: false,
    }
    for (const k in opts)
      if ((opts as unknown as Record<string, unknown>)[k] != null)
        d[k] = (opts as unknown as Record<string, unknown>)[k]
    o = d as Required<InitOptions>
    o.maxBatch = Math.max(1, Math.min(1000, o.maxBatch | 0 || 50))
    url = String(o.host).replace(/\/+$/, '') + '/v1/events?project=' + encodeURIComponent(o.projectId)

    // history.pushState/replaceState are patched once per page; each instance listens for the event.
    const h = history as History & { _ff?: 1 }
    if (!h._ff) {
      h._ff = 1
      ;(['pushState', 'replaceState'] as const).forEach((m) => {
        const orig = h[m]
        h[m] = function (this: History, ...a: Parameters<History['pushState']>) {
          const r = orig.apply(this, a)
          try {
            dispatchEvent(new Event(NAV))
          } catch {}
          return r
        }
      })
    }
    const hidden = () => {
      if (document.visibilityState == 'hidden') beacon()
    }
    const online = () => {
      attempt = 0
      waiting = false
      pump(true)
    }
    const onNav = () => {
      if (o && o.autoPageViews) nav()
    }
    const L: [EventTarget, string, () => void][] = [
      [window, 'pagehide', beacon],
      [document, 'visibilitychange', hidden],
      [window, 'online', online],
      [window, NAV, onNav],
      [window, 'popstate', onNav],
    ]
    L.forEach(([t, n, f]) => t.addEventListener(n, f))
    unlisten = () => L.forEach(([t, n, f]) => t.removeEventListener(n, f))

    if (o.autoPageViews) visit((lastUrl = location.href), document.referrer)
    if (!off() && qr().length && !timer) arm(o.flushInterval)
  }

  function identify(userId: string) {
    const u = userId == null ? '' : String(userId)
    if (u && !off() && get(USER) != u) {
      set(USER, u)
      emit('identify') // carries guestId and userId: the server links them
    }
  }

  function reset() {
    const s = sess()
    if (s && !off()) push('session.end', { sessionId: s.i }, now())
    del(USER)
    del(SESS)
    del(GUEST)
    if (o && !off()) session(now())
  }

  // Opting out also forgets this device's ids: opting in again starts a new visitor.
  function optOut() {
    set(OPT, '1')
    del(USER)
    del(SESS)
    del(GUEST)
    if (o) qw([])
  }

  function state(): State {
    const s = sess()
    return {
      initialized: !!o,
      enabled: !off(),
      optedOut: optedOut(),
      guestId: get(GUEST),
      userId: get(USER),
      sessionId: s && s.i,
      queue: o ? qr().length : 0,
      attempt,
    }
  }

  function destroy() {
    if (unlisten) unlisten()
    if (timer) clearTimeout(timer)
    timer = 0
    o = unlisten = undefined
  }

  // Public surface: nothing here throws into the page.
  function safe<A extends unknown[], R>(f: (...a: A) => R, fallback?: R): (...a: A) => R {
    return (...a: A) => {
      try {
        return f(...a)
      } catch {
        return fallback as R
      }
    }
  }
  const resolved = (v: boolean) => Promise.resolve(v)
  return {
    init: safe(init),
    track: safe(
      (action: string, params?: Record<string, unknown>, label?: string, fields?: Fields) =>
        emit(action, { ...fields, params, label }),
      false,
    ),
    identify: safe(identify),
    reset: safe(reset),
    flush: safe((): Promise<void> => pump(true).catch(() => {}), Promise.resolve()),
    /** Contentstack Personalize: an impression of a variant of an experience. */
    triggerImpression: safe(
      (experienceShortUid: string, variantShortUid: string) =>
        emit('impression', { experience: String(experienceShortUid), variant: String(variantShortUid) }),
      false,
    ),
    /** Contentstack Personalize: a conversion event; the key is the action. */
    triggerEvent: safe((eventKey: string) => emit(eventKey), false),
    /** OneEntry UserActivity: resolves to true once queued. */
    trackUserActivity: safe((a: UserActivity) => {
      const [t, f] = oneEntryEvent(a)
      return resolved(emit(t, f))
    }, resolved(false)),
    optOut: safe(optOut),
    optIn: safe(() => del(OPT)),
    /** Debug view for tests and support: ids and queue length. */
    _state: safe(state),
    /** Removes listeners and timers (tests, hot reload). */
    _destroy: safe(destroy),
  }
}

export type Footfall = ReturnType<typeof createFootfall>
