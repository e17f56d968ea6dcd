// Hash routing: #/experiences, #/experiences/{id}?from=&to=&metric=, #/people?userId=, #/live, #/recommendations.

import { useEffect, useMemo, useState } from 'preact/hooks'

export interface Route {
  path: string[]
  query: URLSearchParams
}

export function parseHash(hash: string = location.hash): Route {
  let s = hash.replace(/^#/, '')
  if (!s.startsWith('/')) s = `/${s}`
  const q = s.indexOf('?')
  const pathPart = q >= 0 ? s.slice(0, q) : s
  const query = new URLSearchParams(q >= 0 ? s.slice(q + 1) : '')
  const path = pathPart
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p)
      } catch {
        return p
      }
    })
  return { path, query }
}

/** `#/a/b?x=1` from path segments (each encoded) and the non-empty query entries. */
export function href(path: string[], query: Record<string, string | null | undefined> = {}): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v) p.set(k, v)
  const qs = p.toString()
  return `#/${path.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`
}

export function navigate(to: string): void {
  if (location.hash !== to) location.hash = to
}

export function useRoute(): Route {
  const [hash, setHash] = useState(() => location.hash)
  useEffect(() => {
    const onChange = () => setHash(location.hash)
    window.addEventListener('hashchange', onChange)
    // The listener starts after the first frame: a link opened before that had no one to tell.
    onChange()
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return useMemo(() => parseHash(hash), [hash])
}
