// The Footfall read API as the dashboard uses it. Every call is same-origin (the server serves the
// dashboard) and carries `Authorization: Bearer <secret key>`. The key lives in sessionStorage only.

import { useEffect, useRef, useState } from 'preact/hooks'

const STORAGE_KEY = 'footfall.secretKey'

export function getKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

export function setKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key)
}

export function clearKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY)
  } catch {
    /* storage unavailable: nothing kept */
  }
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

let unauthorizedHandler: (() => void) | null = null

/** Called when a signed-in request answers 401 (the key was revoked or is wrong). */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler
}

export interface RequestOptions {
  method?: string
  /** Use this key instead of the stored one (sign-in validation). */
  key?: string
  signal?: AbortSignal
}

/** Resolves a `v1/...` path against the page, so `/v1/...` when the dashboard is served at `/`. */
export function apiUrl(path: string): string {
  return new URL(path, document.baseURI).toString()
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const key = opts.key ?? getKey() ?? ''
  let res: Response
  try {
    res = await fetch(apiUrl(path), {
      method: opts.method ?? 'GET',
      headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' },
      signal: opts.signal,
      cache: 'no-store',
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new HttpError(0, 'The server could not be reached.')
  }
  if (!res.ok) {
    let body: unknown
    let message = `${res.status} ${res.statusText}`.trim()
    try {
      body = await res.json()
      const err = (body as { error?: unknown; message?: unknown } | null) ?? {}
      if (typeof err.error === 'string') message = err.error
      else if (typeof err.message === 'string') message = err.message
    } catch {
      /* not JSON */
    }
    if (res.status === 401 && opts.key === undefined) unauthorizedHandler?.()
    throw new HttpError(res.status, message, body)
  }
  return res
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts)
  try {
    return (await res.json()) as T
  } catch {
    throw new HttpError(res.status, 'The server did not answer with JSON.')
  }
}

export async function requestBlob(path: string, opts: RequestOptions = {}): Promise<Blob> {
  const res = await send(path, opts)
  return res.blob()
}

/** `?a=1&b=2` from the defined, non-empty entries; '' when none. */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

export interface ApiState<T> {
  data: T | undefined
  error: HttpError | undefined
  loading: boolean
  /** When the last successful answer arrived. */
  updatedAt: Date | undefined
}

/**
 * GETs `path` whenever it (or `refresh`) changes; `null` fetches nothing. Keeps the previous answer
 * while a refresh of the same path is under way, so polling pages do not flicker.
 */
export function useApi<T>(path: string | null, refresh: unknown = 0): ApiState<T> {
  const [state, setState] = useState<ApiState<T>>({
    data: undefined,
    error: undefined,
    loading: path !== null,
    updatedAt: undefined,
  })
  const lastPath = useRef<string | null>(null)

  useEffect(() => {
    if (path === null) {
      lastPath.current = null
      setState({ data: undefined, error: undefined, loading: false, updatedAt: undefined })
      return
    }
    const samePath = lastPath.current === path
    lastPath.current = path
    const ctrl = new AbortController()
    setState((s) =>
      samePath ? { ...s, loading: true } : { data: undefined, error: undefined, loading: true, updatedAt: undefined },
    )
    request<T>(path, { signal: ctrl.signal }).then(
      (data) => setState({ data, error: undefined, loading: false, updatedAt: new Date() }),
      (e: unknown) => {
        if ((e as Error).name === 'AbortError') return
        const error = e instanceof HttpError ? e : new HttpError(0, String(e))
        setState((s) => ({ ...s, data: samePath ? s.data : undefined, error, loading: false }))
      },
    )
    return () => ctrl.abort()
  }, [path, refresh])

  return state
}

// ---- shapes: the server's own, generated from its OpenAPI document (api-types.ts; npm run api-types) ----------

export type {
  ActivityEvent,
  ActivityPage,
  ExperienceList,
  ExperienceResults as Results,
  ExperienceSummary as Experience,
  ExperienceTimeline as Timeline,
  FeedPerformance,
  LiveStats,
  MetricResults as MetricResult,
  PersonAnswer,
  PersonIdentifier as Identifier,
  PersonView as Person,
  ProjectInfo as Project,
  QuarantinedEvent as RejectedEvent,
  RecommendationPerformance,
  RecommendedItem as RecItem,
  Recommendations as RecResponse,
  RejectedList,
  TimelinePoint,
  VariantDefinition as Variant,
  VariantResults as VariantResult,
} from './api-types'
