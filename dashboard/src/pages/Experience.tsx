// Experience Analytics: one experience's results, credible intervals, probability to be best and the
// cumulative conversion rate over time. Every number shown comes from the results/timeline APIs as is;
// raw values sit in data-* attributes and test ids so browser tests can compare them exactly.

import { useMemo } from 'preact/hooks'
import uPlot from 'uplot'
import {
  qs,
  useApi,
  type ApiState,
  type Experience,
  type ExperienceList,
  type MetricResult,
  type Results,
  type Timeline,
  type VariantResult,
} from '../api'
import { Chart } from '../components/Chart'
import {
  Bar,
  Card,
  DateRangePicker,
  Empty,
  ErrorBox,
  Loading,
  PageHeader,
  Raw,
  StatusBadge,
  Swatch,
  rangeParams,
  type DayRange,
} from '../components/ui'
import { colour, dash } from '../palette'
import { date, daysSince, int, isDay, pct, plural } from '../format'
import { href, navigate } from '../router'
import { normaliseExperience, variantIndex, variantName, weightShares } from '../variants'

interface RowInfo {
  r: VariantResult
  idx: number
  name: string
}

export function ExperiencePage({ id, query }: { id: string; query: URLSearchParams }) {
  const range: DayRange = {
    from: isDay(query.get('from')) ? query.get('from')! : undefined,
    to: isDay(query.get('to')) ? query.get('to')! : undefined,
  }
  const params = rangeParams(range)
  const enc = encodeURIComponent(id)

  const exps = useApi<ExperienceList>('v1/experiences')
  const results = useApi<Results>(`v1/experiences/${enc}/results${qs(params)}`)
  const found = exps.data?.experiences?.find((e) => e.shortUid === id)
  const exp = found ? normaliseExperience(found) : undefined

  const metrics = useMemo(() => {
    const seen = new Set<string>(exp?.metrics ?? [])
    for (const v of results.data?.variants ?? []) for (const m of Object.keys(v.metrics ?? {})) seen.add(m)
    return [...seen]
  }, [exp, results.data])

  const wanted = query.get('metric')
  const metric = wanted && metrics.includes(wanted) ? wanted : metrics[0]
  const timeline = useApi<Timeline>(metric ? `v1/experiences/${enc}/timeline${qs({ metric, ...params })}` : null)

  const go = (patch: { from?: string; to?: string; metric?: string }) => {
    const next = { from: range.from, to: range.to, metric: wanted ?? undefined, ...patch }
    navigate(href(['experiences', id], next))
  }

  const rows: RowInfo[] = (results.data?.variants ?? []).map((r, i) => {
    const idx = variantIndex(exp, r.variant, i)
    return { r, idx, name: variantName(exp?.variants[idx], r.variant) }
  })

  const days = daysSince(exp?.firstImpressionAt)

  return (
    <>
      <p class="breadcrumb">
        <a href={href(['experiences'])}>← All experiences</a>
      </p>
      <PageHeader
        title={exp?.name || id}
        subtitle={
          <span class="meta-line">
            {exp && <StatusBadge status={exp.status} />}
            <span>
              id <code>{id}</code>
            </span>
            <span data-testid="attribution-days">
              attribution window {plural(results.data?.attributionDays ?? exp?.attributionDays ?? 0, 'day')}
            </span>
            {exp && (days !== null || !exp.impressions) && (
              <span>
                {days === null
                  ? 'no impressions yet'
                  : `running ${plural(days, 'day')} (since ${date(exp.firstImpressionAt)})`}
              </span>
            )}
          </span>
        }
      />

      <Card class="toolbar-card">
        <DateRangePicker
          key={`${range.from}|${range.to}`}
          value={range}
          onChange={(r) => go({ from: r.from, to: r.to })}
        />
      </Card>

      {results.error && (
        <ErrorBox
          error={results.error}
          what={results.error.status === 404 ? `No experience "${id}"` : 'Could not load the results'}
        />
      )}
      {results.loading && !results.data && <Loading what="Loading results" />}

      {results.data && (
        <>
          <Banners results={results.data} rows={rows} exp={exp} />
          <ResultsTable rows={rows} metrics={metrics} loading={results.loading} />
          {metrics.map((m) => (
            <MetricCard key={m} metric={m} rows={rows} />
          ))}
          <TimelineCard
            metric={metric}
            metrics={metrics}
            onMetric={(m) => go({ metric: m })}
            state={timeline}
            rows={rows}
            exp={exp}
          />
        </>
      )}
    </>
  )
}

function Banners({ results, rows, exp }: { results: Results; rows: RowInfo[]; exp: Experience | undefined }) {
  const srm = results.sampleRatioMismatch
  const winner = results.winner
  const winnerRow = rows.find((r) => r.r.variant === winner)
  const totalImpr = rows.reduce((s, r) => s + r.r.impressions, 0)
  const shares = exp ? weightShares(exp.variants) : []
  return (
    <>
      {winner !== null && winner !== undefined && (
        <div class="banner banner-winner" role="status" data-testid="winner-banner" data-winner={winner}>
          <svg viewBox="0 0 20 20" width="22" height="22" aria-hidden="true">
            <path
              d="M5 3h10v3a5 5 0 0 1-10 0zM10 11v4M6 17h8M5 4H2.5a2.5 2.5 0 0 0 2.7 3M15 4h2.5a2.5 2.5 0 0 1-2.7 3"
              fill="none"
              stroke="currentColor"
              stroke-width="1.6"
              stroke-linecap="round"
            />
          </svg>
          <div>
            <strong>
              Winner: {winnerRow ? winnerRow.name : `Variant ${winner}`} <code>{winner}</code>
            </strong>
            <span>The results API declares this variant the winner of the experience.</span>
          </div>
        </div>
      )}
      {srm?.detected && (
        <div class="banner banner-warning" role="alert" data-testid="srm-warning" data-p-value={srm.pValue}>
          <svg viewBox="0 0 20 20" width="22" height="22" aria-hidden="true">
            <path
              d="M10 2 1.5 17h17zM10 8v4M10 14.5v.5"
              fill="none"
              stroke="currentColor"
              stroke-width="1.8"
              stroke-linejoin="round"
              stroke-linecap="round"
            />
          </svg>
          <div>
            <strong>Sample ratio mismatch detected (p = {formatP(srm.pValue)})</strong>
            <span>
              The observed traffic split differs from the configured weights, so assignment or tracking may be broken
              and these results may be biased.
              {exp && totalImpr > 0 && (
                <>
                  {' '}
                  Observed:{' '}
                  {rows
                    .map(
                      (r) =>
                        `${r.name} ${pct(r.r.impressions / totalImpr, 1)} (expected ${pct(shares[r.idx] ?? 0, 1)})`,
                    )
                    .join(', ')}
                  .
                </>
              )}
            </span>
          </div>
        </div>
      )}
      {srm && !srm.detected && (
        <p class="note" data-testid="srm-ok" data-p-value={srm.pValue}>
          Sample ratio check passed (p = {formatP(srm.pValue)}).
          {winner === null && ' No winner has been declared yet.'}
        </p>
      )}
    </>
  )
}

function formatP(p: number): string {
  if (!Number.isFinite(p)) return '—'
  if (p < 0.0001) return p.toExponential(1)
  return p.toFixed(4)
}

function ResultsTable({ rows, metrics, loading }: { rows: RowInfo[]; metrics: string[]; loading: boolean }) {
  return (
    <Card
      title="Results by variant"
      testId="results"
      actions={loading ? <span class="muted small">Refreshing…</span> : undefined}
    >
      {rows.length === 0 ? (
        <Empty>No variants in the results.</Empty>
      ) : (
        <div class="table-scroll">
          <table class="table results-table" data-testid="results-table" aria-busy={loading ? 'true' : undefined}>
            <caption class="sr-only">
              Impressions, conversions, converted users, conversion rate with 95% credible interval and probability to
              be best, per variant and metric
            </caption>
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col" class="num">
                  Impressions
                </th>
                <th scope="col">Metric</th>
                <th scope="col" class="num">
                  Conversions
                </th>
                <th scope="col" class="num">
                  Converted users
                </th>
                <th scope="col" class="num">
                  Conversion rate
                </th>
                <th scope="col">Probability to be best</th>
              </tr>
            </thead>
            {/* One tbody per variant (its test id), one row per metric. */}
            {rows.map(({ r, idx, name }) => {
              const ms = metrics.length ? metrics : ['']
              return (
                <tbody
                  key={r.variant}
                  class="variant-group"
                  data-testid={`variant-row-${r.variant}`}
                  data-variant={r.variant}
                >
                  {ms.map((m, mi) => (
                    <tr key={m} data-metric={m}>
                      {mi === 0 && (
                        <>
                          <th scope="rowgroup" rowSpan={ms.length}>
                            <span class="variant-label">
                              <Swatch index={idx} />
                              {name}
                            </span>
                            <div class="sub">
                              <code>{r.variant}</code>
                            </div>
                          </th>
                          <td class="num" rowSpan={ms.length} data-testid="impressions" data-value={r.impressions}>
                            {String(r.impressions)}
                          </td>
                        </>
                      )}
                      <th scope="row" class="metric-name">
                        <code>{m || '—'}</code>
                      </th>
                      <MetricCells metric={m} mr={m ? r.metrics?.[m] : undefined} idx={idx} />
                    </tr>
                  ))}
                </tbody>
              )
            })}
          </table>
        </div>
      )}
    </Card>
  )
}

function MetricCells({ metric, mr, idx }: { metric: string; mr: MetricResult | undefined; idx: number }) {
  if (!mr) {
    return (
      <>
        <td class="num muted">—</td>
        <td class="num muted">—</td>
        <td class="num muted">—</td>
        <td class="muted">—</td>
      </>
    )
  }
  const ci = mr.credibleInterval
  return (
    <>
      <td class="num" data-testid={`conversions-${metric}`} data-value={mr.conversions}>
        {String(mr.conversions)}
      </td>
      <td class="num" data-testid={`converted-users-${metric}`} data-value={mr.convertedUsers}>
        {String(mr.convertedUsers)}
      </td>
      <td class="num" data-testid={`rate-cell-${metric}`} data-value={mr.conversionRate}>
        <strong>{pct(mr.conversionRate)}</strong>
        <Raw testId={`rate-${metric}`} value={mr.conversionRate} />
        {ci && ci.length === 2 ? (
          <div class="sub" data-testid={`ci-${metric}`} data-lo={ci[0]} data-hi={ci[1]}>
            95% CI {pct(ci[0])} – {pct(ci[1])}
          </div>
        ) : (
          <div class="sub">no interval</div>
        )}
      </td>
      <td class="ptbb-cell" data-testid={`ptbb-cell-${metric}`} data-value={mr.probabilityToBeBest}>
        <span class="ptbb-text">{pct(mr.probabilityToBeBest)}</span>
        <Bar value={mr.probabilityToBeBest} index={idx} />
        <Raw testId={`ptbb-${metric}`} value={mr.probabilityToBeBest} />
      </td>
    </>
  )
}

/** Credible intervals as a small forest plot and probability to be best as bars, for one metric. */
function MetricCard({ metric, rows }: { metric: string; rows: RowInfo[] }) {
  const withMetric = rows.filter((r) => r.r.metrics?.[metric])
  const bounds = withMetric.flatMap((r) => {
    const mr = r.r.metrics[metric]
    return mr.credibleInterval
      ? [mr.credibleInterval[0], mr.credibleInterval[1], mr.conversionRate]
      : [mr.conversionRate]
  })
  const lo0 = bounds.length ? Math.min(...bounds) : 0
  const hi0 = bounds.length ? Math.max(...bounds) : 1
  const pad = (hi0 - lo0) * 0.08 || Math.max(hi0 * 0.1, 0.001)
  const lo = Math.max(0, lo0 - pad)
  const hi = Math.min(1, hi0 + pad)
  const x = (v: number) => `${(((v - lo) / (hi - lo || 1)) * 100).toFixed(2)}%`

  return (
    <Card
      title={
        <>
          Metric <code>{metric}</code>
        </>
      }
      testId={`metric-${metric}`}
    >
      {withMetric.length === 0 ? (
        <Empty>No data for this metric.</Empty>
      ) : (
        <div class="metric-grid">
          <div>
            <h3>Conversion rate, 95% credible interval</h3>
            <ul class="forest" aria-label={`Conversion rate and 95% credible interval for ${metric}`}>
              {withMetric.map(({ r, idx, name }) => {
                const mr = r.metrics[metric]
                const ci = mr.credibleInterval
                return (
                  <li key={r.variant} class="forest-row">
                    <span class="forest-label">
                      <Swatch index={idx} />
                      {name}
                    </span>
                    <span class="forest-track" aria-hidden="true">
                      {ci && (
                        <span
                          class="forest-range"
                          style={{ left: x(ci[0]), width: `calc(${x(ci[1])} - ${x(ci[0])})`, background: colour(idx) }}
                        />
                      )}
                      <span class="forest-dot" style={{ left: x(mr.conversionRate), borderColor: colour(idx) }} />
                    </span>
                    <span class="forest-value">
                      {pct(mr.conversionRate)}
                      {ci && (
                        <span class="sub">
                          {' '}
                          ({pct(ci[0])} – {pct(ci[1])})
                        </span>
                      )}
                    </span>
                  </li>
                )
              })}
            </ul>
            <div class="forest-row forest-axis" aria-hidden="true">
              <span />
              <span class="forest-axis-labels">
                <span>{pct(lo)}</span>
                <span>{pct(hi)}</span>
              </span>
              <span />
            </div>
          </div>
          <div>
            <h3>Probability to be best</h3>
            <ul class="bars" aria-label={`Probability to be best for ${metric}`}>
              {withMetric.map(({ r, idx, name }) => {
                const p = r.metrics[metric].probabilityToBeBest
                return (
                  <li key={r.variant} class="bars-row">
                    <span class="bars-label">
                      <Swatch index={idx} />
                      {name}
                    </span>
                    <Bar value={p} index={idx} />
                    <span class="bars-value">{pct(p)}</span>
                  </li>
                )
              })}
            </ul>
          </div>
        </div>
      )}
    </Card>
  )
}

function TimelineCard({
  metric,
  metrics,
  onMetric,
  state,
  rows,
  exp,
}: {
  metric: string | undefined
  metrics: string[]
  onMetric: (m: string) => void
  state: ApiState<Timeline>
  rows: RowInfo[]
  exp: Experience | undefined
}) {
  const tl = useMemo(() => (state.data ? { ...state.data, days: state.data.days ?? [] } : undefined), [state.data])
  const series = useMemo(() => {
    // One line per variant: the results' variants first (stable colours), then any extra in the timeline.
    const ids = rows.map((r) => r.r.variant)
    for (const d of tl?.days ?? []) for (const v of Object.keys(d.variants ?? {})) if (!ids.includes(v)) ids.push(v)
    return ids.map((v, i) => {
      const idx = variantIndex(exp, v, i)
      return { id: v, idx, name: variantName(exp?.variants[idx], v) }
    })
  }, [tl, rows, exp])

  const chart = useMemo(() => {
    if (!tl || tl.days.length === 0) return null
    const xs = tl.days.map(
      (d) => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(d.date) ? `${d.date}T00:00:00Z` : d.date) / 1000,
    )
    const ys = series.map((s) => tl.days.map((d) => d.variants?.[s.id]?.conversionRate ?? null))
    const data = [xs, ...ys] as uPlot.AlignedData
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 0.01] },
      },
      axes: [
        { stroke: '#4b5563', grid: { stroke: '#eceff3' }, ticks: { stroke: '#d5dae1' } },
        {
          stroke: '#4b5563',
          size: 64,
          grid: { stroke: '#eceff3' },
          ticks: { stroke: '#d5dae1' },
          values: (_u, splits) => splits.map((v) => pct(v, 1)),
        },
      ],
      series: [
        { label: 'Day (UTC)', value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)) },
        ...series.map((s) => ({
          label: s.name,
          stroke: colour(s.idx),
          dash: dash(s.idx),
          width: 2.25,
          spanGaps: true,
          points: { show: tl.days.length <= 45, size: 5, fill: colour(s.idx) },
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : pct(v)),
        })),
      ],
    }
    return { data, options }
  }, [tl, series])

  const summary = useMemo(() => {
    if (!tl || tl.days.length === 0) return ''
    const last = tl.days[tl.days.length - 1]
    const ends = series.map((s) => `${s.name} ${pct(last.variants?.[s.id]?.conversionRate)}`).join(', ')
    return `Line chart of the cumulative conversion rate for ${tl.metric} per variant, ${plural(tl.days.length, 'day')} from ${tl.days[0].date} to ${last.date}. On the last day: ${ends}.`
  }, [tl, series])

  return (
    <Card
      title="Cumulative conversion rate over time"
      testId="timeline"
      actions={
        metrics.length > 1 ? (
          <label class="field field-inline">
            <span>Metric</span>
            <select value={metric} data-testid="timeline-metric" onChange={(e) => onMetric(e.currentTarget.value)}>
              {metrics.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        ) : metric ? (
          <code>{metric}</code>
        ) : undefined
      }
    >
      {!metric && <Empty>This experience has no metrics.</Empty>}
      {state.error && <ErrorBox error={state.error} what="Could not load the timeline" />}
      {metric && state.loading && !tl && <Loading what="Loading timeline" />}
      {tl && tl.days.length === 0 && <Empty>No days with data in this range.</Empty>}
      {chart && (
        <Chart
          options={chart.options}
          data={chart.data}
          summary={summary}
          testId="timeline-chart"
          table={
            <table class="table compact" data-testid="timeline-table">
              <caption class="sr-only">Cumulative conversion rate per day and variant</caption>
              <thead>
                <tr>
                  <th scope="col">Day (UTC)</th>
                  {series.map((s) => (
                    <th key={s.id} scope="col" class="num">
                      {s.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {tl!.days.map((d) => (
                  <tr key={d.date}>
                    <th scope="row">{d.date}</th>
                    {series.map((s) => {
                      const p = d.variants?.[s.id]
                      return (
                        <td key={s.id} class="num" data-value={p?.conversionRate ?? ''}>
                          {p ? (
                            <>
                              {pct(p.conversionRate)}{' '}
                              <span class="sub">
                                ({int(p.convertedUsers)} / {int(p.impressions)})
                              </span>
                            </>
                          ) : (
                            '—'
                          )}
                        </td>
                      )
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      )}
    </Card>
  )
}
