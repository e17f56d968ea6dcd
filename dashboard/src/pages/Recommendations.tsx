// Recommendations: each feed's current top items and each feed's performance (CTR, revenue).
// When the server has no recommendation API (404), the page says so; it never shows made-up data.

import { useState } from 'preact/hooks'
import { qs, useApi, type ApiState, type RecommendationPerformance, type RecResponse } from '../api'
import {
  Bar,
  Card,
  DateRangePicker,
  Empty,
  ErrorBox,
  Loading,
  PageHeader,
  rangeParams,
  type DayRange,
} from '../components/ui'
import { int, isDay, money, pct } from '../format'
import { href, navigate } from '../router'

const HOURS = [1, 6, 24, 72, 168]

export function RecommendationsPage({ query }: { query: URLSearchParams }) {
  const range: DayRange = {
    from: isDay(query.get('from')) ? query.get('from')! : undefined,
    to: isDay(query.get('to')) ? query.get('to')! : undefined,
  }
  const [hours, setHours] = useState(24)
  const perf = useApi<RecommendationPerformance>(`v1/recommendations/performance${qs(rangeParams(range))}`)
  const trending = useApi<RecResponse>(`v1/recommendations/trending?hours=${hours}&limit=10`)

  const unavailable = perf.error?.status === 404 && trending.error?.status === 404

  return (
    <>
      <PageHeader
        title="Recommendations"
        subtitle="What each feed recommends now, and how its recommendations perform."
      />
      {unavailable ? (
        <div class="card unavailable" role="status" data-testid="recs-unavailable">
          <h2>Recommendations are not available</h2>
          <p>
            This server does not offer the recommendation API (<code>/v1/recommendations/…</code> answered 404), so
            there is nothing to show here.
          </p>
        </div>
      ) : (
        <>
          <Card title="Performance by feed" testId="recs-performance">
            <DateRangePicker
              key={`${range.from}|${range.to}`}
              value={range}
              onChange={(r) => navigate(href(['recommendations'], { from: r.from, to: r.to }))}
            />
            <PerformanceTable state={perf} />
          </Card>
          <div class="recs-grid">
            <Card
              title="Trending"
              testId="feed-trending"
              actions={
                <label class="field field-inline">
                  <span>Window</span>
                  <select
                    value={hours}
                    data-testid="trending-hours"
                    onChange={(e) => setHours(Number(e.currentTarget.value))}
                  >
                    {HOURS.map((h) => (
                      <option key={h} value={h}>
                        {h < 24 ? `${h} h` : `${h / 24} d`}
                      </option>
                    ))}
                  </select>
                </label>
              }
            >
              <FeedItems state={trending} />
            </Card>
            <AlsoViewed suggestion={trending.data?.items?.[0]?.id} />
            <PersonFeeds />
          </div>
          <p class="note">
            Looking items up here calls the real feeds, so each lookup is a response the server may count in the
            performance table.
          </p>
        </>
      )}
    </>
  )
}

function PerformanceTable({ state }: { state: ApiState<RecommendationPerformance> }) {
  if (state.error?.status === 404) return <p class="muted">Feed performance is not available on this server.</p>
  if (state.error) return <ErrorBox error={state.error} what="Could not load feed performance" />
  if (state.loading && !state.data) return <Loading what="Loading performance" />
  const feeds = state.data?.feeds ?? []
  if (feeds.length === 0) return <Empty>No feed has served a response in this range.</Empty>
  const ctrs = feeds.map((f) => f.clickThroughRate ?? (f.responses > 0 ? f.clicks / f.responses : null))
  const maxCtr = Math.max(0, ...ctrs.map((c) => c ?? 0))
  return (
    <div class="table-scroll">
      <table class="table" data-testid="performance-table">
        <caption class="sr-only">
          Responses, clicks, click-through rate, add-to-carts, purchases and revenue per feed
        </caption>
        <thead>
          <tr>
            <th scope="col">Feed</th>
            <th scope="col" class="num">
              Responses
            </th>
            <th scope="col" class="num">
              Clicks
            </th>
            <th scope="col">CTR</th>
            <th scope="col" class="num">
              Add to carts
            </th>
            <th scope="col" class="num">
              Purchases
            </th>
            <th scope="col" class="num">
              Revenue
            </th>
          </tr>
        </thead>
        <tbody>
          {feeds.map((f, i) => (
            <tr key={f.feed} data-testid={`feed-row-${f.feed}`}>
              <th scope="row">
                <code>{f.feed}</code>
              </th>
              <td class="num" data-testid="responses" data-value={f.responses}>
                {int(f.responses)}
              </td>
              <td class="num" data-testid="clicks" data-value={f.clicks}>
                {int(f.clicks)}
              </td>
              <td
                class="ptbb-cell"
                data-testid="ctr"
                data-value={ctrs[i] ?? ''}
                data-computed={f.clickThroughRate == null ? 'true' : undefined}
              >
                <span class="ptbb-text">{pct(ctrs[i])}</span>
                <Bar value={ctrs[i] ?? 0} max={maxCtr || 1} index={0} />
              </td>
              <td class="num" data-testid="add-to-carts" data-value={f.addToCarts}>
                {int(f.addToCarts)}
              </td>
              <td class="num" data-testid="purchases" data-value={f.purchases}>
                {int(f.purchases)}
              </td>
              <td class="num" data-testid="revenue" data-value={f.revenue}>
                {money(f.revenue)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function FeedItems({ state, idle }: { state: ApiState<RecResponse>; idle?: string }) {
  if (state.error?.status === 404) return <p class="muted small">This feed is not available (404).</p>
  if (state.error) return <ErrorBox error={state.error} what="Could not load the feed" />
  if (state.loading && !state.data) return <Loading what="Loading" />
  if (!state.data) return idle ? <p class="muted small">{idle}</p> : null
  const items = state.data.items ?? []
  if (items.length === 0) return <Empty>No items.</Empty>
  const max = Math.max(0, ...items.map((i) => i.score))
  return (
    <>
      <ol class="bars ranked items" data-testid="feed-items" data-response-id={state.data.responseId}>
        {items.map((it) => (
          <li key={it.id} class="bars-row" data-testid="feed-item" data-id={it.id} data-score={it.score}>
            <span class="bars-label">
              <code>{it.id}</code>
            </span>
            <Bar value={it.score} max={max || 1} index={0} />
            <span class="bars-value">{formatScore(it.score)}</span>
          </li>
        ))}
      </ol>
      <p class="muted small">
        response <code>{state.data.responseId}</code>
      </p>
    </>
  )
}

function formatScore(s: number): string {
  if (!Number.isFinite(s)) return '—'
  return Number.isInteger(s) ? String(s) : s.toFixed(3)
}

function PersonFeeds() {
  const [kind, setKind] = useState<'user' | 'guest'>('user')
  const [id, setId] = useState('')
  const [who, setWho] = useState<string | null>(null)
  const base = who ? `${who}&limit=10` : null
  const recent = useApi<RecResponse>(base && `v1/recommendations/recently-viewed?${base}`)
  const repeat = useApi<RecResponse>(base && `v1/recommendations/repeat-purchase?${base}`)
  const personal = useApi<RecResponse>(base && `v1/recommendations/personal?${base}`)
  return (
    <Card title="For a person" testId="feed-person" class="span-2">
      <form
        class="lookup"
        aria-label="Recommendations for a person"
        onSubmit={(e) => {
          e.preventDefault()
          const v = id.trim()
          setWho(v ? `${kind}Id=${encodeURIComponent(v)}` : null)
        }}
      >
        <label class="field">
          <span>Identifier kind</span>
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as 'user' | 'guest')}>
            <option value="user">User id</option>
            <option value="guest">Guest id</option>
          </select>
        </label>
        <label class="field field-grow">
          <span>{kind === 'user' ? 'User id' : 'Guest id'}</span>
          <input
            type="search"
            value={id}
            spellcheck={false}
            autocomplete="off"
            onInput={(e) => setId(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn-primary">
          Show feeds
        </button>
      </form>
      <div class="feeds-3">
        <div>
          <h3>Recently viewed</h3>
          <FeedItems state={recent} idle="Look a person up." />
        </div>
        <div>
          <h3>Repeat purchase</h3>
          <FeedItems state={repeat} idle="Look a person up." />
        </div>
        <div>
          <h3>Personal</h3>
          <FeedItems state={personal} idle="Look a person up." />
        </div>
      </div>
    </Card>
  )
}

function AlsoViewed({ suggestion }: { suggestion?: string }) {
  const [item, setItem] = useState('')
  const [asked, setAsked] = useState<string | null>(null)
  const state = useApi<RecResponse>(asked ? `v1/recommendations/also-viewed${qs({ item: asked, limit: 10 })}` : null)
  return (
    <Card title="Also viewed" testId="feed-also-viewed">
      <form
        class="lookup"
        aria-label="Items also viewed with an item"
        onSubmit={(e) => {
          e.preventDefault()
          setAsked(item.trim() || null)
        }}
      >
        <label class="field field-grow">
          <span>Item id</span>
          <input
            type="search"
            value={item}
            spellcheck={false}
            autocomplete="off"
            placeholder={suggestion ? `e.g. ${suggestion}` : undefined}
            onInput={(e) => setItem(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn-primary">
          Show
        </button>
      </form>
      <FeedItems state={state} idle="Enter an item id." />
    </Card>
  )
}
