import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import type { HttpError } from '../api'
import { colour } from '../palette'
import { dayToRfc3339, isDay, utcDayAgo } from '../format'

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ComponentChildren
  subtitle?: ComponentChildren
  actions?: ComponentChildren
}) {
  return (
    <header class="page-header">
      <div>
        <h1 tabIndex={-1} class="page-title">
          {title}
        </h1>
        {subtitle && <p class="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div class="page-actions">{actions}</div>}
    </header>
  )
}

export function Card({
  title,
  children,
  class: cls,
  testId,
  actions,
}: {
  title?: ComponentChildren
  children: ComponentChildren
  class?: string
  testId?: string
  actions?: ComponentChildren
}) {
  return (
    <section class={`card ${cls ?? ''}`} data-testid={testId}>
      {(title || actions) && (
        <div class="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div class="card-actions">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  )
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="loading" role="status" data-testid="loading">
      <span class="spinner" aria-hidden="true" />
      {what}…
    </p>
  )
}

export function ErrorBox({ error, what }: { error: HttpError; what?: string }) {
  return (
    <div class="alert alert-error" role="alert" data-testid="error">
      <strong>{what ?? 'Could not load'}</strong>
      <span>
        {error.status ? `HTTP ${error.status}: ` : ''}
        {error.message}
      </span>
    </div>
  )
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`badge badge-${status}`} data-testid="status" data-status={status}>
      <span class="badge-dot" aria-hidden="true" />
      {status}
    </span>
  )
}

export function Swatch({ index, color }: { index?: number; color?: string }) {
  return <span class="swatch" style={{ background: color ?? colour(index ?? 0) }} aria-hidden="true" />
}

/** A horizontal bar for a value in [0, max]; text is given separately. */
export function Bar({
  value,
  max = 1,
  index,
  color,
  label,
}: {
  value: number
  max?: number
  index?: number
  color?: string
  label?: string
}) {
  const w = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0
  return (
    <span class="bar" aria-hidden={label ? undefined : 'true'} aria-label={label} role={label ? 'img' : undefined}>
      <span
        class="bar-fill"
        style={{
          width: `${(w * 100).toFixed(2)}%`,
          background: color ?? (index === undefined ? undefined : colour(index)),
        }}
      />
    </span>
  )
}

/** from/to are UTC days ("YYYY-MM-DD"); `to` is inclusive. */
export interface DayRange {
  from?: string
  to?: string
}

/** The API's half-open [from, to) range in RFC 3339 for an inclusive day range. */
export function rangeParams(r: DayRange): { from?: string; to?: string } {
  return {
    from: isDay(r.from) ? dayToRfc3339(r.from) : undefined,
    to: isDay(r.to) ? dayToRfc3339(r.to, 1) : undefined,
  }
}

export function DateRangePicker({ value, onChange }: { value: DayRange; onChange: (r: DayRange) => void }) {
  const [from, setFrom] = useState(value.from ?? '')
  const [to, setTo] = useState(value.to ?? '')
  const [error, setError] = useState<string | null>(null)

  const apply = (r: DayRange) => {
    if (r.from && r.to && r.from > r.to) {
      setError('"From" must not be after "To".')
      return
    }
    setError(null)
    setFrom(r.from ?? '')
    setTo(r.to ?? '')
    onChange(r)
  }

  return (
    <form
      class="daterange"
      data-testid="date-range"
      aria-label="Date range"
      onSubmit={(e) => {
        e.preventDefault()
        apply({ from: from || undefined, to: to || undefined })
      }}
    >
      <label class="field">
        <span>From (UTC)</span>
        <input
          type="date"
          value={from}
          max={to || undefined}
          data-testid="range-from"
          onInput={(e) => setFrom(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>To (UTC, inclusive)</span>
        <input
          type="date"
          value={to}
          min={from || undefined}
          data-testid="range-to"
          onInput={(e) => setTo(e.currentTarget.value)}
        />
      </label>
      <div class="daterange-buttons">
        <button type="submit" class="btn btn-primary" data-testid="range-apply">
          Apply
        </button>
        <button type="button" class="btn" onClick={() => apply({ from: utcDayAgo(6), to: utcDayAgo(0) })}>
          Last 7 days
        </button>
        <button type="button" class="btn" onClick={() => apply({ from: utcDayAgo(29), to: utcDayAgo(0) })}>
          Last 30 days
        </button>
        <button type="button" class="btn" data-testid="range-clear" onClick={() => apply({})}>
          All time
        </button>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}

/** Hidden raw value for browser tests: textContent is exactly the API's number. */
export function Raw({ testId, value }: { testId: string; value: number | string | null | undefined }) {
  return (
    <span hidden data-testid={testId}>
      {value === null || value === undefined ? '' : String(value)}
    </span>
  )
}
