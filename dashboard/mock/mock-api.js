// Development-only mock of the Footfall read API, for `npm run dev:mock` / `npm run preview:mock`.
// It is a Vite plugin used by vite.config.ts in mode "mock" only and is never part of dist/.
// Keys: "demo" (everything) and "demo-norecs" (the recommendation API answers 404).

const DAY = 86_400_000;

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(r) {
  return Math.sqrt(-2 * Math.log(r() || 1e-9)) * Math.cos(2 * Math.PI * r());
}

const now = Date.now();
const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
const iso = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const day = (t) => new Date(t).toISOString().slice(0, 10);

const experiences = [
  {
    shortUid: 'hero-banner',
    name: 'Homepage hero banner',
    status: 'active',
    variants: [
      { shortUid: '0', weight: 50, name: 'Control' },
      { shortUid: '1', weight: 50, name: 'Lifestyle photo' },
    ],
    metrics: ['product_purchase', 'product_add_to_cart'],
    attributionDays: 30,
    createdAt: iso(today - 20 * DAY),
    firstImpressionAt: iso(today - 18 * DAY + 3_600_000),
    rates: { product_purchase: [0.031, 0.041], product_add_to_cart: [0.092, 0.104] },
    daily: [420, 420],
    winner: '1',
  },
  {
    shortUid: 'checkout-copy',
    name: 'Checkout button copy',
    status: 'active',
    variants: [
      { shortUid: 'a', weight: 34 },
      { shortUid: 'b', weight: 33 },
      { shortUid: 'c', weight: 33 },
    ],
    metrics: ['product_purchase'],
    attributionDays: 7,
    createdAt: iso(today - 9 * DAY),
    firstImpressionAt: iso(today - 8 * DAY),
    rates: { product_purchase: [0.052, 0.055, 0.049] },
    daily: [300, 255, 290],
    winner: null,
  },
  {
    shortUid: 'free-shipping',
    name: 'Free shipping threshold',
    status: 'paused',
    variants: [
      { shortUid: '0', weight: 80, name: 'Current' },
      { shortUid: '1', weight: 20, name: 'Lower threshold' },
    ],
    metrics: ['product_purchase'],
    attributionDays: 14,
    createdAt: iso(today - 2 * DAY),
    firstImpressionAt: null,
    rates: { product_purchase: [0, 0] },
    daily: [0, 0],
    winner: null,
  },
  {
    shortUid: 'search-ranking',
    name: 'Search ranking v2',
    status: 'ended',
    variants: [
      { shortUid: '0', weight: 50 },
      { shortUid: '1', weight: 50 },
    ],
    metrics: ['search', 'product_purchase'],
    attributionDays: 30,
    createdAt: iso(today - 60 * DAY),
    firstImpressionAt: iso(today - 58 * DAY),
    rates: { search: [0.41, 0.4], product_purchase: [0.02, 0.021] },
    daily: [150, 150],
    winner: null,
  },
];

/** Cumulative per-day series for an experience and metric within [from, to). */
function series(exp, metric, from, to) {
  if (!exp.firstImpressionAt) return [];
  const start = Math.max(Date.parse(exp.firstImpressionAt), from ?? 0);
  const end = Math.min(now, to ?? now);
  const out = [];
  const cum = exp.variants.map(() => ({ impressions: 0, convertedUsers: 0, conversions: 0 }));
  const r = rng(exp.shortUid.length * 7919 + metric.length * 31 + Math.floor(start / DAY));
  for (let t = Math.floor(start / DAY) * DAY; t < end; t += DAY) {
    const variants = {};
    exp.variants.forEach((v, i) => {
      const n = Math.max(0, Math.round(exp.daily[i] * (0.8 + 0.4 * r())));
      const p = exp.rates[metric]?.[i] ?? 0;
      const c = Math.max(0, Math.round(n * p + gauss(r) * Math.sqrt(n * p * (1 - p))));
      cum[i].impressions += n;
      cum[i].convertedUsers += c;
      cum[i].conversions += c + Math.round(c * 0.15 * r());
      variants[v.shortUid] = {
        impressions: cum[i].impressions,
        convertedUsers: cum[i].convertedUsers,
        conversionRate: cum[i].impressions ? cum[i].convertedUsers / cum[i].impressions : 0,
      };
    });
    out.push({ date: day(t), variants, cum: cum.map((c) => ({ ...c })) });
  }
  return out;
}

function results(exp, from, to) {
  const metrics = {};
  let impressions = exp.variants.map(() => 0);
  for (const m of exp.metrics) {
    const s = series(exp, m, from, to);
    const last = s[s.length - 1]?.cum ?? exp.variants.map(() => ({ impressions: 0, convertedUsers: 0, conversions: 0 }));
    impressions = last.map((c) => c.impressions);
    // Probability to be best by sampling a normal approximation of each posterior.
    const r = rng(99);
    const wins = exp.variants.map(() => 0);
    const draws = 4000;
    for (let k = 0; k < draws; k++) {
      let best = -1;
      let bestV = -Infinity;
      last.forEach((c, i) => {
        const a = c.convertedUsers + 1;
        const b = c.impressions - c.convertedUsers + 1;
        const mean = a / (a + b);
        const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
        const x = mean + sd * gauss(r);
        if (x > bestV) {
          bestV = x;
          best = i;
        }
      });
      wins[best]++;
    }
    metrics[m] = last.map((c, i) => {
      const p = c.impressions ? c.convertedUsers / c.impressions : 0;
      const half = c.impressions ? 1.96 * Math.sqrt((p * (1 - p)) / c.impressions) : 0;
      return {
        conversions: c.conversions,
        convertedUsers: c.convertedUsers,
        conversionRate: p,
        probabilityToBeBest: wins[i] / draws,
        credibleInterval: [Math.max(0, p - half), Math.min(1, p + half)],
      };
    });
  }
  const total = impressions.reduce((a, b) => a + b, 0);
  const wsum = exp.variants.reduce((a, v) => a + v.weight, 0);
  let chi = 0;
  exp.variants.forEach((v, i) => {
    const e = (total * v.weight) / wsum;
    if (e > 0) chi += (impressions[i] - e) ** 2 / e;
  });
  const df = exp.variants.length - 1;
  const pValue = total > 0 ? Math.exp(-chi / 2) * (df === 1 ? 1 : 1 + chi / 2) : 1; // rough, mock only
  return {
    experience: exp.shortUid,
    attributionDays: exp.attributionDays,
    variants: exp.variants.map((v, i) => ({
      variant: v.shortUid,
      impressions: impressions[i],
      metrics: Object.fromEntries(exp.metrics.map((m) => [m, metrics[m][i]])),
    })),
    sampleRatioMismatch: { pValue: Number(pValue.toPrecision(4)), detected: pValue < 0.001 },
    winner: exp.winner,
  };
}

function listItem(exp) {
  const res = results(exp);
  const m = exp.metrics[0];
  let leader = null;
  let best = -1;
  for (const v of res.variants) {
    const p = v.metrics[m]?.probabilityToBeBest ?? 0;
    if (v.impressions > 0 && p > best) {
      best = p;
      leader = v.variant;
    }
  }
  const { rates: _r, daily: _d, winner: _w, ...pub } = exp;
  return { ...pub, impressions: res.variants.reduce((a, v) => a + v.impressions, 0), leader };
}

const people = new Map();
function seedPeople() {
  const r = rng(5);
  const actions = [
    ['page.visit', null, () => ({ url: `https://shop.example/${['', 'shoes', 'sale', 'cart'][Math.floor(r() * 4)]}` }), 'native'],
    ['product_view', 'product', null, 'oneentry'],
    ['product_add_to_cart', 'product', null, 'crownpeak'],
    ['search', 'query', null, 'native'],
    ['impression', null, () => ({ experience: 'hero-banner', variant: '1' }), 'personalize'],
    ['newsletter.signup', null, null, 'synerise'],
    ['product_purchase', 'product', () => ({ price: 59.9, currency: 'EUR' }), 'native'],
  ];
  const events = [];
  let t = now - 3 * 60_000;
  for (let i = 0; i < 34; i++) {
    const [action, kind, params, source] = actions[Math.floor(r() * actions.length)];
    const target = kind ? { [kind]: kind === 'query' ? 'running shoes' : `sku-${100 + Math.floor(r() * 30)}` } : null;
    events.push({
      time: iso(t),
      action,
      label: action === 'product_purchase' ? 'Order #4711' : action === 'search' ? 'Search box' : null,
      target,
      params: params ? params() : null,
      sourceId: action === 'product_view' && r() > 0.5 ? `resp_${Math.floor(r() * 1e6).toString(36)}` : null,
      source,
    });
    t -= Math.floor(r() * 9 * 3_600_000);
  }
  const person = {
    identifiers: [
      { kind: 'user', id: 'u-1001' },
      { kind: 'guest', id: 'g-7f3a' },
      { kind: 'guest', id: 'g-91bc' },
    ],
    attributes: { plan: 'gold', country: 'DE', newsletter: true, lifetimeValue: 412.5 },
    firstSeen: events[events.length - 1].time,
    lastSeen: events[0].time,
    eventCount: events.length,
    events,
  };
  for (const i of person.identifiers) people.set(`${i.kind}:${i.id}`, person);
}
seedPeople();

function live() {
  const actions = ['page.visit', 'product_view', 'session.start', 'search', 'product_add_to_cart', 'category_view', 'product_purchase', 'session.end', 'product_rating'];
  const base = [40, 25, 9, 8, 5, 6, 2, 7, 1];
  const end = Math.floor(now / 60_000) * 60_000 + Math.floor((Date.now() - now) / 60_000) * 60_000;
  const minutes = [];
  const totals = new Map();
  for (let k = 59; k >= 0; k--) {
    const t = end - k * 60_000;
    const r = rng(t / 60_000);
    const counts = {};
    actions.forEach((a, i) => {
      const c = Math.max(0, Math.round(base[i] * (0.5 + r()) * (1 + 0.4 * Math.sin(t / 600_000))));
      if (c > 0) {
        counts[a] = c;
        totals.set(a, (totals.get(a) ?? 0) + c);
      }
    });
    minutes.push({ minute: iso(t), counts });
  }
  const topActions = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([action, count]) => ({ action, count }));
  return { minutes, topActions, total: topActions.reduce((s, a) => s + a.count, 0) };
}

const rejected = [
  { time: iso(now - 40_000), source: 'native', error: 'action: must be 1-64 chars of [A-Za-z0-9_.:-]', raw: { action: 'add to cart!', guestId: 'g-12' } },
  { time: iso(now - 310_000), source: 'synerise', error: 'client: one of uuid, customId, email or id is required', raw: '{"action":"page.visit","label":"home","client":{}}' },
  { time: iso(now - 920_000), source: 'native', error: 'product_purchase requires target.product', raw: { action: 'product_purchase', userId: 'u-77', target: {} } },
  { time: iso(now - 1_800_000), source: 'crownpeak', error: 'action "debug.ping" refused by the project deny list', raw: [{ action: 'debug.ping', user: { identities: { sessionId: 's-1' } } }] },
];

function recs(feed, q) {
  const r = rng(feed.length * 13 + (Number(q.get('hours')) || 0));
  const n = Math.min(Number(q.get('limit')) || 10, 10);
  let score = 40 + r() * 20;
  const items = [];
  for (let i = 0; i < n; i++) {
    items.push({ id: `sku-${100 + Math.floor(r() * 60)}`, score: Number(score.toFixed(3)) });
    score *= 0.7 + r() * 0.25;
  }
  return { responseId: `resp_${Math.floor(r() * 1e9).toString(36)}`, feed, items };
}

const performance = {
  feeds: [
    { feed: 'trending', responses: 18234, clicks: 1532, addToCarts: 402, purchases: 118, revenue: 7423.5, clickThroughRate: 1532 / 18234 },
    { feed: 'also-viewed', responses: 9410, clicks: 1104, addToCarts: 310, purchases: 97, revenue: 6120.25, clickThroughRate: 1104 / 9410 },
    { feed: 'recently-viewed', responses: 7720, clicks: 506, addToCarts: 120, purchases: 31, revenue: 1890, clickThroughRate: 506 / 7720 },
    { feed: 'personal', responses: 5012, clicks: 688, addToCarts: 201, purchases: 74, revenue: 5204.9, clickThroughRate: 688 / 5012 },
    { feed: 'repeat-purchase', responses: 1204, clicks: 143, addToCarts: 66, purchases: 40, revenue: 980.4, clickThroughRate: 143 / 1204 },
  ],
};

function handle(req, res, next) {
  const url = new URL(req.url, 'http://mock');
  if (!url.pathname.startsWith('/v1/')) return next();
  const send = (status, body) => {
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-store');
    res.end(JSON.stringify(body));
  };
  const auth = req.headers.authorization ?? '';
  const key = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  if (key !== 'demo' && key !== 'demo-norecs') return send(401, { error: 'unauthorized' });
  const q = url.searchParams;
  const p = url.pathname;
  const t = (s) => (s ? Date.parse(s) : undefined);
  setTimeout(() => {
    if (p === '/v1/project') return send(200, { id: 'prj_3kd92ma1', name: 'Demo shop' });
    if (p === '/v1/experiences') return send(200, { experiences: experiences.map(listItem) });
    let m = p.match(/^\/v1\/experiences\/([^/]+)\/(results|timeline)$/);
    if (m) {
      const exp = experiences.find((e) => e.shortUid === decodeURIComponent(m[1]));
      if (!exp) return send(404, { error: 'experience not found' });
      if (m[2] === 'results') return send(200, results(exp, t(q.get('from')), t(q.get('to'))));
      const metric = q.get('metric') ?? exp.metrics[0];
      const s = series(exp, metric, t(q.get('from')), t(q.get('to')));
      return send(200, { metric, days: s.map(({ date, variants }) => ({ date, variants })) });
    }
    const who = q.get('userId') ? `user:${q.get('userId')}` : q.get('guestId') ? `guest:${q.get('guestId')}` : null;
    if (p === '/v1/people' && req.method === 'DELETE') {
      const person = who && people.get(who);
      if (!person) return send(404, { error: 'person not found' });
      for (const i of person.identifiers) people.delete(`${i.kind}:${i.id}`);
      return send(200, { erasedEvents: person.events.length });
    }
    if (p.startsWith('/v1/people')) {
      const person = who && people.get(who);
      if (!person) return send(404, { error: 'person not found' });
      const { events, ...pub } = person;
      if (p === '/v1/people') return send(200, { person: pub });
      if (p === '/v1/people/activity') {
        // The mock's cursor is an offset; the server's is opaque.
        const start = Number(q.get('before')) || 0;
        const end = start + (Number(q.get('limit')) || 50);
        return send(200, { events: events.slice(start, end), next: end < events.length ? String(end) : null });
      }
      if (p === '/v1/people/export') {
        res.setHeader('Content-Disposition', 'attachment; filename="person.json"');
        return send(200, { person: pub, events });
      }
    }
    if (p === '/v1/stats/live') return send(200, live());
    if (p === '/v1/rejected') return send(200, { rejected: rejected.slice(0, Number(q.get('limit')) || 20) });
    m = p.match(/^\/v1\/recommendations\/([^/]+)$/);
    if (m) {
      if (key === 'demo-norecs') return send(404, { error: 'not found' });
      if (m[1] === 'performance') return send(200, performance);
      if (['trending', 'also-viewed', 'recently-viewed', 'repeat-purchase', 'personal'].includes(m[1])) return send(200, recs(m[1], q));
      return send(404, { error: 'unknown feed' });
    }
    send(404, { error: 'not found' });
  }, 120);
}

export function mockApi() {
  return {
    name: 'footfall-mock-api',
    configureServer(server) {
      server.middlewares.use(handle);
    },
    configurePreviewServer(server) {
      server.middlewares.use(handle);
    },
  };
}
