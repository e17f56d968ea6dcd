// People: look a person up by user or guest id, see their linked identifiers, attributes and activity,
// export everything or erase them (after typing the id to confirm).

import { useEffect, useRef, useState } from 'preact/hooks'
import {
  HttpError,
  request,
  requestBlob,
  useApi,
  type ActivityEvent,
  type ActivityPage,
  type PersonAnswer,
} from '../api'
import { Card, Empty, ErrorBox, Loading, PageHeader } from '../components/ui'
import { dateTime, int, json } from '../format'
import { href, navigate } from '../router'

type Kind = 'user' | 'guest'

function lookupFrom(query: URLSearchParams): { kind: Kind; id: string } | null {
  const u = query.get('userId')
  if (u) return { kind: 'user', id: u }
  const g = query.get('guestId')
  if (g) return { kind: 'guest', id: g }
  return null
}

export function PeoplePage({ query }: { query: URLSearchParams }) {
  const lookup = lookupFrom(query)
  const [erased, setErased] = useState<{ kind: Kind; id: string; n: number } | null>(null)
  const key = lookup ? `${lookup.kind}:${lookup.id}` : ''

  return (
    <>
      <PageHeader
        title="People"
        subtitle="A person is every identifier linked together: guest ids, user ids and vendor ids."
      />
      <Card class="toolbar-card">
        <LookupForm key={key} initial={lookup} onLookup={() => setErased(null)} />
      </Card>
      {erased && (
        <div class="banner banner-success" role="status" data-testid="erase-result" data-erased-events={erased.n}>
          <div>
            <strong>
              Erased {int(erased.n)} events of {erased.kind} id <code>{erased.id}</code>.
            </strong>
            <span>Their events and identifiers are gone from every read.</span>
          </div>
        </div>
      )}
      {lookup && !erased && (
        <PersonView
          key={key}
          kind={lookup.kind}
          id={lookup.id}
          onErased={(n) => setErased({ kind: lookup.kind, id: lookup.id, n })}
        />
      )}
      {!lookup && !erased && <Empty>Enter a user id or a guest id to see that person's activity.</Empty>}
    </>
  )
}

function LookupForm({ initial, onLookup }: { initial: { kind: Kind; id: string } | null; onLookup: () => void }) {
  const [kind, setKind] = useState<Kind>(initial?.kind ?? 'user')
  const [id, setId] = useState(initial?.id ?? '')
  return (
    <form
      class="lookup"
      role="search"
      aria-label="Look a person up"
      onSubmit={(e) => {
        e.preventDefault()
        const v = id.trim()
        if (!v) return
        onLookup()
        navigate(href(['people'], { [`${kind}Id`]: v }))
      }}
    >
      <label class="field">
        <span>Identifier kind</span>
        <select value={kind} data-testid="person-lookup-kind" onChange={(e) => setKind(e.currentTarget.value as Kind)}>
          <option value="user">User id</option>
          <option value="guest">Guest id</option>
        </select>
      </label>
      <label class="field field-grow">
        <span>{kind === 'user' ? 'User id' : 'Guest id'}</span>
        <input
          type="search"
          value={id}
          required
          spellcheck={false}
          autocomplete="off"
          placeholder={kind === 'user' ? 'e.g. customer-1042' : 'e.g. 6f1c…'}
          data-testid="person-lookup-input"
          onInput={(e) => setId(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="btn btn-primary" data-testid="person-lookup-submit">
        Look up
      </button>
    </form>
  )
}

function PersonView({ kind, id, onErased }: { kind: Kind; id: string; onErased: (n: number) => void }) {
  const param = `${kind}Id=${encodeURIComponent(id)}`
  const person = useApi<PersonAnswer>(`v1/people?${param}`)
  const activity = useApi<ActivityPage>(`v1/people/activity?${param}&limit=50`)
  // Older pages, fetched by the cursor the page before them answered with: no end at 1,000 events.
  const [older, setOlder] = useState<{ events: ActivityEvent[]; next: string | null } | null>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  const [moreError, setMoreError] = useState<HttpError | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [exportError, setExportError] = useState<string | null>(null)
  const [exporting, setExporting] = useState(false)

  if (person.error?.status === 404) {
    return (
      <div class="alert alert-info" role="status" data-testid="person-not-found">
        No person has the {kind} id <code>{id}</code>.
      </div>
    )
  }
  if (person.error) return <ErrorBox error={person.error} what="Could not look the person up" />
  if (person.loading && !person.data) return <Loading what="Looking the person up" />
  const p = person.data?.person
  if (!p) return null

  const doExport = async () => {
    setExporting(true)
    setExportError(null)
    try {
      const blob = await requestBlob(`v1/people/export?${param}`)
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = `footfall-person-${kind}-${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 30_000)
    } catch (e) {
      setExportError((e as Error).message)
    } finally {
      setExporting(false)
    }
  }

  const attrs = Object.entries(p.attributes ?? {})
  const events = [...(activity.data?.events ?? []), ...(older?.events ?? [])]
  const next = older ? older.next : (activity.data?.next ?? null)

  const loadMore = async () => {
    if (!next) return
    setLoadingMore(true)
    setMoreError(null)
    try {
      const page = await request<ActivityPage>(
        `v1/people/activity?${param}&limit=200&before=${encodeURIComponent(next)}`,
      )
      setOlder((o) => ({ events: [...(o?.events ?? []), ...page.events], next: page.next ?? null }))
    } catch (e) {
      setMoreError(e instanceof HttpError ? e : new HttpError(0, String(e)))
    } finally {
      setLoadingMore(false)
    }
  }

  return (
    <div class="person-grid">
      <div class="person-side">
        <Card
          title="Person"
          testId="person"
          actions={
            <>
              <button type="button" class="btn" data-testid="person-export" onClick={doExport} disabled={exporting}>
                {exporting ? 'Exporting…' : 'Export JSON'}
              </button>
              <button
                type="button"
                class="btn btn-danger"
                data-testid="person-erase"
                onClick={() => setConfirming(true)}
              >
                Erase…
              </button>
            </>
          }
        >
          {exportError && (
            <p class="alert alert-error" role="alert">
              Export failed: {exportError}
            </p>
          )}
          <dl class="facts">
            <div>
              <dt>First seen</dt>
              <dd data-testid="person-first-seen" data-value={p.firstSeen ?? ''}>
                {dateTime(p.firstSeen)}
              </dd>
            </div>
            <div>
              <dt>Last seen</dt>
              <dd data-testid="person-last-seen" data-value={p.lastSeen ?? ''}>
                {dateTime(p.lastSeen)}
              </dd>
            </div>
            <div>
              <dt>Events</dt>
              <dd data-testid="person-event-count" data-value={p.eventCount ?? ''}>
                {int(p.eventCount)}
              </dd>
            </div>
          </dl>
          <h3>Linked identifiers</h3>
          <ul class="chips" data-testid="person-identifiers">
            {(p.identifiers ?? []).map((i) => (
              <li key={`${i.kind}:${i.id}`} data-testid="person-identifier" data-kind={i.kind} data-id={i.id}>
                {i.kind === 'user' || i.kind === 'guest' ? (
                  <a
                    class="chip"
                    href={href(['people'], { [`${i.kind}Id`]: i.id })}
                    title={`Look up ${i.kind} id ${i.id}`}
                  >
                    <span class="chip-kind">{i.kind}</span>
                    <code>{i.id}</code>
                  </a>
                ) : (
                  <span class="chip">
                    <span class="chip-kind">{i.kind}</span>
                    <code>{i.id}</code>
                  </span>
                )}
              </li>
            ))}
          </ul>
          <h3>Attributes</h3>
          {attrs.length === 0 ? (
            <p class="muted small">No attributes.</p>
          ) : (
            <table class="table compact kv" data-testid="person-attributes">
              <caption class="sr-only">Attributes</caption>
              <tbody>
                {attrs.map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td>
                      <code class="wrap">{json(v)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
      <Card
        title="Activity"
        testId="activity"
        actions={
          <span class="muted small" data-testid="activity-shown">
            {activity.data ? (next ? `${events.length} most recent` : `all ${events.length}`) : ''}
          </span>
        }
      >
        {activity.error && <ErrorBox error={activity.error} what="Could not load the activity" />}
        {activity.loading && !activity.data && <Loading what="Loading activity" />}
        {activity.data && events.length === 0 && <Empty>No events.</Empty>}
        {events.length > 0 && <ActivityTimeline events={events} />}
        {moreError && <ErrorBox error={moreError} what="Could not load older activity" />}
        {next && (
          <button type="button" class="btn" data-testid="activity-more" onClick={loadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Show older'}
          </button>
        )}
      </Card>
      <EraseDialog
        open={confirming}
        kind={kind}
        id={id}
        onClose={() => setConfirming(false)}
        onErased={(n) => {
          setConfirming(false)
          onErased(n)
        }}
      />
    </div>
  )
}

function dayOf(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleDateString(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' })
}

function ActivityTimeline({ events }: { events: ActivityEvent[] }) {
  // Newest first, as the API answers; a heading for each local day.
  const groups: { day: string; events: ActivityEvent[] }[] = []
  for (const e of events) {
    const day = dayOf(e.time)
    const g = groups[groups.length - 1]
    if (g && g.day === day) g.events.push(e)
    else groups.push({ day, events: [e] })
  }
  return (
    <div class="timeline">
      {groups.map((g) => (
        <section key={g.day} class="timeline-day">
          <h3 class="timeline-date">{g.day}</h3>
          <ol class="timeline-list">
            {g.events.map((e, i) => (
              <ActivityItem key={`${e.time}-${i}`} e={e} />
            ))}
          </ol>
        </section>
      ))}
    </div>
  )
}

function ActivityItem({ e }: { e: ActivityEvent }) {
  const target = Object.entries(e.target ?? {})
  const params = e.params && Object.keys(e.params).length > 0 ? e.params : null
  const t = new Date(e.time)
  return (
    <li
      class="event"
      data-testid="activity-event"
      data-action={e.action}
      data-time={e.time}
      data-source={e.source ?? ''}
    >
      <time class="event-time" dateTime={e.time} title={e.time}>
        {Number.isNaN(t.getTime()) ? e.time : t.toLocaleTimeString()}
      </time>
      <div class="event-body">
        <div class="event-head">
          <code class="event-action" data-testid="event-action">
            {e.action}
          </code>
          {e.label && (
            <span class="event-label" data-testid="event-label">
              {e.label}
            </span>
          )}
          {e.source && (
            <span class={`pill pill-${e.source}`} data-testid="event-source" title="Source dialect">
              {e.source}
            </span>
          )}
        </div>
        {(target.length > 0 || e.sourceId) && (
          <div class="event-meta">
            {target.map(([k, v]) => (
              <span key={k} class="kv-chip" data-testid="event-target">
                {k}: <code>{v}</code>
              </span>
            ))}
            {e.sourceId && (
              <span class="kv-chip" title="The response (recommendation block, search page) that showed the target">
                via response <code>{e.sourceId}</code>
              </span>
            )}
          </div>
        )}
        {params && (
          <details class="event-params">
            <summary>params</summary>
            <pre>{json(params)}</pre>
          </details>
        )}
      </div>
    </li>
  )
}

function EraseDialog({
  open,
  kind,
  id,
  onClose,
  onErased,
}: {
  open: boolean
  kind: Kind
  id: string
  onClose: () => void
  onErased: (n: number) => void
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) {
      setTyped('')
      setError(null)
      d.showModal()
    } else if (!open && d.open) d.close()
  }, [open])

  const submit = async (e: Event) => {
    e.preventDefault()
    if (typed !== id || busy) return
    setBusy(true)
    setError(null)
    try {
      const r = await request<{ erasedEvents: number }>(`v1/people?${kind}Id=${encodeURIComponent(id)}`, {
        method: 'DELETE',
      })
      onErased(r.erasedEvents)
    } catch (err) {
      setError(err instanceof HttpError ? `HTTP ${err.status}: ${err.message}` : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="erase-title"
      aria-describedby="erase-desc"
      data-testid="erase-dialog"
      onClose={onClose}
    >
      <form onSubmit={submit}>
        <h2 id="erase-title">Erase this person?</h2>
        <p id="erase-desc">
          Every event and identifier linked to {kind} id <code>{id}</code> is deleted for good. This cannot be undone;
          export first if you need a copy.
        </p>
        <label class="field">
          <span>
            Type <code>{id}</code> to confirm
          </span>
          <input
            type="text"
            value={typed}
            autocomplete="off"
            spellcheck={false}
            data-testid="erase-confirm-input"
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="alert alert-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-buttons">
          <button type="button" class="btn" onClick={onClose} data-testid="erase-cancel">
            Cancel
          </button>
          <button
            type="submit"
            class="btn btn-danger-solid"
            disabled={typed !== id || busy}
            data-testid="erase-confirm-submit"
          >
            {busy ? 'Erasing…' : 'Erase permanently'}
          </button>
        </div>
      </form>
    </dialog>
  )
}
