import { useEffect, useRef, useState } from 'preact/hooks'
import { clearKey, getKey, HttpError, onUnauthorized, request, setKey, type Project } from './api'
import { href, navigate, parseHash, useRoute, type Route } from './router'
import { SignIn } from './pages/SignIn'
import { ExperiencesPage } from './pages/Experiences'
import { ExperiencePage } from './pages/Experience'
import { PeoplePage } from './pages/People'
import { LivePage } from './pages/Live'
import { RecommendationsPage } from './pages/Recommendations'
import { Loading } from './components/ui'

interface Session {
  key: string
  project: Project
}

const NAV = [
  { id: 'experiences', label: 'Experiences', icon: 'M3 3h6v6H3zM11 3h6v6h-6zM3 11h6v6H3zM11 11h6v6h-6z' },
  {
    id: 'people',
    label: 'People',
    icon: 'M10 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM3 17c0-3.3 3.1-5.5 7-5.5s7 2.2 7 5.5',
  },
  { id: 'live', label: 'Live', icon: 'M2 11h3l2-6 4 12 2-6h5' },
  {
    id: 'recommendations',
    label: 'Recommendations',
    icon: 'M10 2l2.4 5 5.6.8-4 3.9.9 5.6-4.9-2.6-4.9 2.6.9-5.6-4-3.9 5.6-.8z',
  },
]

export function App() {
  const [session, setSession] = useState<Session | null>(null)
  const [checking, setChecking] = useState(() => getKey() !== null)
  const [notice, setNotice] = useState<string | null>(null)

  useEffect(() => {
    onUnauthorized(() => {
      clearKey()
      setSession(null)
      setNotice('The server refused the key. Sign in again.')
    })
    const key = getKey()
    if (key !== null) {
      request<Project>('v1/project', { key })
        .then((project) => setSession({ key, project }))
        .catch((e: unknown) => {
          if (e instanceof HttpError && e.status === 401) {
            clearKey()
            setNotice('The saved key is no longer valid. Sign in again.')
          } else {
            setNotice(`Could not check the saved key: ${(e as Error).message}`)
          }
        })
        .finally(() => setChecking(false))
    }
    return () => onUnauthorized(null)
  }, [])

  if (checking) {
    return (
      <div class="signin-wrap">
        <Loading what="Checking your key" />
      </div>
    )
  }

  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(key, project) => {
          setKey(key)
          setNotice(null)
          setSession({ key, project })
        }}
      />
    )
  }

  return (
    <Shell
      project={session.project}
      onSignOut={() => {
        clearKey()
        setSession(null)
        setNotice('Signed out.')
      }}
    />
  )
}

function Shell({ project, onSignOut }: { project: Project; onSignOut: () => void }) {
  const route = useRoute()
  const main = useRef<HTMLElement>(null)
  const first = useRef(true)

  // The location is read again when the effect runs: Preact runs it after the next frame or before the shell's next
  // render, which a link opened in between causes, and the link must not be replaced by the default page.
  useEffect(() => {
    if (parseHash().path.length === 0) navigate(href(['experiences']))
  }, [route.path.length])

  // Move focus to the new page's heading on navigation (not on first load), so keyboard and
  // screen-reader users land on the content they asked for.
  const section = route.path[0] ?? 'experiences'
  const pageKey = route.path.join('/')
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    const h1 = main.current?.querySelector<HTMLElement>('h1')
    h1?.focus({ preventScroll: false })
    const title = NAV.find((n) => n.id === section)?.label
    document.title = title ? `${title} · Footfall` : 'Footfall'
  }, [pageKey])

  return (
    <div class="shell">
      <button type="button" class="skip-link" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <nav class="sidebar" aria-label="Main">
        <a class="brand" href={href(['experiences'])}>
          <img src="./favicon.svg" alt="" width={28} height={28} />
          <span>Footfall</span>
        </a>
        <ul class="nav-list">
          {NAV.map((n) => (
            <li key={n.id}>
              <a
                href={href([n.id])}
                class="nav-link"
                data-testid={`nav-${n.id}`}
                aria-current={section === n.id ? 'page' : undefined}
              >
                <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
                  <path
                    d={n.icon}
                    fill="none"
                    stroke="currentColor"
                    stroke-width="1.6"
                    stroke-linejoin="round"
                    stroke-linecap="round"
                  />
                </svg>
                {n.label}
              </a>
            </li>
          ))}
        </ul>
        <div class="sidebar-foot">
          <div class="project-box" data-testid="project">
            <span class="muted-label">Project</span>
            <strong data-testid="project-name">{project.name}</strong>
            <code title="Project id">{project.id}</code>
          </div>
          <button type="button" class="btn btn-ghost-dark" data-testid="sign-out" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" ref={main} tabIndex={-1} class="main">
        <Page route={route} />
      </main>
    </div>
  )
}

function Page({ route }: { route: Route }) {
  const [section, id] = route.path
  switch (section) {
    case undefined:
    case 'experiences':
      return id ? <ExperiencePage key={id} id={id} query={route.query} /> : <ExperiencesPage />
    case 'people':
      return <PeoplePage query={route.query} />
    case 'live':
      return <LivePage />
    case 'recommendations':
      return <RecommendationsPage query={route.query} />
    default:
      return (
        <div class="card">
          <h1 tabIndex={-1}>Page not found</h1>
          <p>
            There is no page at <code>{location.hash}</code>. <a href={href(['experiences'])}>Go to the experiences</a>.
          </p>
        </div>
      )
  }
}
