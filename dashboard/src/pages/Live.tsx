// Live: events per minute by action over the last hour (stacked bars), top actions and the most recent
// rejected events with their reasons. Refreshes every 10 s while the tab is visible.

import { useEffect, useMemo, useState } from 'preact/hooks'
import uPlot from 'uplot'
import { useApi, type LiveStats, type RejectedEvent, type RejectedList } from '../api'
import { Chart } from '../components/Chart'
import { Bar, Card, Empty, ErrorBox, Loading, PageHeader, Swatch } from '../components/ui'
import { colour, OKABE_ITO } from '../palette'
import { dateTime, int, json, time } from '../format'

const REFRESH_MS = 10_000
/** Actions drawn with their own colour; the rest are summed as "other" (grey). */
const MAX_SERIES = OKABE_ITO.length
const OTHER_COLOUR = '#9aa3ae'
/** Group g's colour: Okabe-Ito by rank; the "other" group (always last, only when there are more than
 * MAX_SERIES actions) is grey. */
const groupColour = (groups: string[], hasOther: boolean, g: number) =>
  hasOther && g === groups.length - 1 ? OTHER_COLOUR : colour(g)

export function LivePage() {
  const [auto, setAuto] = useState(true)
  const [tick, setTick] = useState(0)

  useEffect(() => {
    if (!auto) return
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((x) => x + 1)
    }, REFRESH_MS)
    return () => clearInterval(t)
  }, [auto])

  const stats = useApi<LiveStats>('v1/stats/live?minutes=60', tick)
  const rejected = useApi<RejectedList>('v1/rejected?limit=20', tick)

  return (
    <>
      <PageHeader
        title="Live"
        subtitle="What arrives right now: the last 60 minutes, refreshed every 10 seconds."
        actions={
          <div class="live-controls">
            <span class="muted small" aria-live="polite" data-testid="live-updated">
              {stats.loading ? 'Updating…' : stats.updatedAt ? `Updated ${time(stats.updatedAt)}` : ''}
            </span>
            <label class="check">
              <input
                type="checkbox"
                checked={auto}
                data-testid="live-auto"
                onChange={(e) => setAuto(e.currentTarget.checked)}
              />
              Auto-refresh
            </label>
            <button type="button" class="btn" data-testid="live-refresh" onClick={() => setTick((x) => x + 1)}>
              Refresh now
            </button>
          </div>
        }
      />
      {stats.error && <ErrorBox error={stats.error} what="Could not load live statistics" />}
      {stats.loading && !stats.data && <Loading what="Loading live statistics" />}
      {stats.data && <LiveStatsView stats={stats.data} />}
      <Card title="Recently rejected events" testId="rejected">
        {rejected.error && <ErrorBox error={rejected.error} what="Could not load rejected events" />}
        {rejected.loading && !rejected.data && <Loading what="Loading rejected events" />}
        {rejected.data && <RejectedTable rows={rejected.data.rejected ?? []} />}
      </Card>
    </>
  )
}

function LiveStatsView({ stats }: { stats: LiveStats }) {
  const top = stats.topActions ?? []
  const maxTop = top.reduce((m, a) => Math.max(m, a.count), 0)

  // Actions ordered by their total in the window; the first MAX_SERIES get colours, the rest is "other".
  const model = useMemo(() => {
    const totals = new Map<string, number>()
    for (const m of stats.minutes ?? [])
      for (const [a, c] of Object.entries(m.counts ?? {})) totals.set(a, (totals.get(a) ?? 0) + c)
    const ordered = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([a]) => a)
    const named = ordered.length > MAX_SERIES ? ordered.slice(0, MAX_SERIES - 1) : ordered
    const hasOther = ordered.length > named.length
    const groups = hasOther ? [...named, '(other)'] : named

    // A full grid of 60 minutes ending at the newest minute the server reported (or now).
    const byMinute = new Map<number, Record<string, number>>()
    for (const m of stats.minutes ?? []) byMinute.set(Math.floor(Date.parse(m.minute) / 60_000), m.counts ?? {})
    const keys = [...byMinute.keys()]
    const end = keys.length ? Math.max(...keys) : Math.floor(Date.now() / 60_000)
    const start = Math.min(end - 59, ...(keys.length ? keys : [end]))
    const xs: number[] = []
    const raw: number[][] = groups.map(() => [])
    for (let k = start; k <= end; k++) {
      xs.push(k * 60)
      const counts = byMinute.get(k) ?? {}
      let other = 0
      for (const [a, c] of Object.entries(counts)) if (!named.includes(a)) other += c
      groups.forEach((g, gi) => raw[gi].push(g === '(other)' && hasOther ? other : (counts[g] ?? 0)))
    }
    return { groups, hasOther, xs, raw }
  }, [stats])

  const chart = useMemo(() => {
    const { groups, hasOther, xs, raw } = model
    if (groups.length === 0) return null
    // Stacked bars: series j draws the sum of groups 0..k-1-j, drawn largest first so each smaller
    // stack paints over the one below it. The legend and tooltip show each group's own count.
    const k = groups.length
    const cum: number[][] = []
    for (let g = 0; g < k; g++) cum.push(xs.map((_, i) => raw[g][i] + (g > 0 ? cum[g - 1][i] : 0)))
    const order = [...Array(k).keys()].reverse() // group index drawn by series 1..k
    const data = [xs, ...order.map((g) => cum[g])] as uPlot.AlignedData
    const bars = uPlot.paths.bars!({ size: [0.8, 24], align: 0 })
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
      axes: [
        { stroke: '#4b5563', grid: { stroke: '#eceff3' }, ticks: { stroke: '#d5dae1' } },
        { stroke: '#4b5563', grid: { stroke: '#eceff3' }, ticks: { stroke: '#d5dae1' }, size: 56 },
      ],
      series: [
        { label: 'Minute' },
        ...order.map((g) => ({
          label: groups[g],
          stroke: groupColour(groups, hasOther, g),
          fill: groupColour(groups, hasOther, g),
          width: 0,
          paths: bars,
          points: { show: false },
          value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) =>
            idx == null ? '—' : int(raw[g][idx]),
        })),
      ],
    }
    return { data, options }
  }, [model])

  const activeMinutes = model.raw.length ? model.xs.filter((_, i) => model.raw.some((r) => r[i] > 0)).length : 0
  const summary = `Stacked bar chart of events per minute by action over the last ${model.xs.length} minutes: ${int(stats.total)} events in total, ${activeMinutes} minutes with events. Totals by action: ${model.groups
    .map((g, gi) => `${g} ${int(model.raw[gi].reduce((s, c) => s + c, 0))}`)
    .join(', ')}.`

  return (
    <div class="live-grid">
      <Card title="Events per minute by action" testId="live-chart-card" class="span-2">
        <p class="stat-line">
          <span class="stat" data-testid="live-total" data-value={stats.total}>
            {int(stats.total)}
          </span>{' '}
          events in the last hour
        </p>
        {chart ? (
          <Chart
            options={chart.options}
            data={chart.data}
            height={300}
            summary={summary}
            testId="live-chart"
            table={
              <table class="table compact">
                <caption class="sr-only">Events per minute by action</caption>
                <thead>
                  <tr>
                    <th scope="col">Minute</th>
                    {model.groups.map((g) => (
                      <th key={g} scope="col" class="num">
                        {g}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {model.xs.map((x, i) =>
                    model.raw.some((r) => r[i] > 0) ? (
                      <tr key={x}>
                        <th scope="row">
                          {new Date(x * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                        </th>
                        {model.groups.map((g, gi) => (
                          <td key={g} class="num">
                            {int(model.raw[gi][i])}
                          </td>
                        ))}
                      </tr>
                    ) : null,
                  )}
                </tbody>
              </table>
            }
          />
        ) : (
          <Empty>No events in the last hour.</Empty>
        )}
      </Card>
      <Card title="Top actions" testId="top-actions">
        {top.length === 0 ? (
          <Empty>No events in the last hour.</Empty>
        ) : (
          <ol class="bars ranked">
            {top.map((a) => {
              const gi = model.groups.indexOf(a.action)
              const c = gi >= 0 ? groupColour(model.groups, model.hasOther, gi) : OTHER_COLOUR
              return (
                <li
                  key={a.action}
                  class="bars-row"
                  data-testid="top-action"
                  data-action={a.action}
                  data-count={a.count}
                >
                  <span class="bars-label">
                    <Swatch color={c} />
                    <code>{a.action}</code>
                  </span>
                  <Bar value={a.count} max={maxTop} color={c} />
                  <span class="bars-value">{int(a.count)}</span>
                </li>
              )
            })}
          </ol>
        )}
      </Card>
    </div>
  )
}

function RejectedTable({ rows }: { rows: RejectedEvent[] }) {
  if (rows.length === 0) return <Empty>No rejected events. Everything sent recently was valid.</Empty>
  return (
    <div class="table-scroll">
      <table class="table" data-testid="rejected-table">
        <caption class="sr-only">Recently rejected events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Source</th>
            <th scope="col">Reason</th>
            <th scope="col">Event as received</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const raw = r.raw === undefined || r.raw === null ? '' : json(r.raw)
            return (
              <tr key={`${r.time}-${i}`} data-testid="rejected-event">
                <td class="nowrap">
                  <time dateTime={r.time} title={r.time}>
                    {dateTime(r.time)}
                  </time>
                </td>
                <td>
                  {r.source ? <span class={`pill pill-${r.source}`}>{r.source}</span> : <span class="muted">—</span>}
                </td>
                <td class="reason" data-testid="rejected-error">
                  {r.error}
                </td>
                <td class="raw-cell">
                  {raw.length > 80 ? (
                    <details>
                      <summary>
                        <code>{raw.replace(/\s+/g, ' ').slice(0, 80)}…</code>
                      </summary>
                      <pre>{raw}</pre>
                    </details>
                  ) : (
                    <code>{raw}</code>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
