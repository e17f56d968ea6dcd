// Display formatting. Raw API numbers are always kept next to these (data-* attributes or test ids).

/** 0.02314 -> "2.31%" */
export function pct(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  return `${(x * 100).toFixed(digits)}%`
}

const intFmt = new Intl.NumberFormat('en-US')
export function int(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return intFmt.format(n)
}

const moneyFmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
export function money(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return moneyFmt.format(n)
}

const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})
const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

export function dateTime(iso: string | null | undefined): string {
  const d = parse(iso)
  return d ? dateTimeFmt.format(d) : '—'
}

export function date(iso: string | null | undefined): string {
  const d = parse(iso)
  return d ? dateFmt.format(d) : '—'
}

export function time(d: Date): string {
  return timeFmt.format(d)
}

/** Whole days from `iso` to now (never negative). */
export function daysSince(iso: string | null | undefined, now = Date.now()): number | null {
  const d = parse(iso)
  if (!d) return null
  return Math.max(0, Math.floor((now - d.getTime()) / 86_400_000))
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/** "YYYY-MM-DD" (a UTC day) -> "YYYY-MM-DDT00:00:00Z"; `plusDays` shifts it. */
export function dayToRfc3339(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d + plusDays))
  return t.toISOString().replace('.000Z', 'Z')
}

/** Today's UTC day minus `n` days, as "YYYY-MM-DD". */
export function utcDayAgo(n: number): string {
  const now = new Date()
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - n)).toISOString().slice(0, 10)
}

export function isDay(s: string | null | undefined): s is string {
  return !!s && /^\d{4}-\d{2}-\d{2}$/.test(s)
}

export function json(v: unknown): string {
  if (typeof v === 'string') return v
  try {
    return JSON.stringify(v, null, 2)
  } catch {
    return String(v)
  }
}
