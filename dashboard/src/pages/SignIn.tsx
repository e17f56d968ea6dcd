import { useState } from 'preact/hooks'
import { HttpError, request, type Project } from '../api'

export function SignIn({
  notice,
  onSignedIn,
}: {
  notice: string | null
  onSignedIn: (key: string, project: Project) => void
}) {
  const [key, setKeyValue] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (e: Event) => {
    e.preventDefault()
    const k = key.trim()
    if (!k) {
      setError('Enter the project secret key.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      const project = await request<Project>('v1/project', { key: k })
      onSignedIn(k, project)
    } catch (err) {
      if (err instanceof HttpError && (err.status === 401 || err.status === 403)) setError('Wrong key')
      else setError(`Could not sign in: ${(err as Error).message}`)
      setBusy(false)
    }
  }

  return (
    <div class="signin-wrap">
      <main class="signin-card">
        <div class="signin-brand">
          <img src="./favicon.svg" alt="" width={40} height={40} />
          <div>
            <h1>Footfall</h1>
            <p class="muted">Event analytics dashboard</p>
          </div>
        </div>
        <form onSubmit={submit} noValidate>
          <label class="field" for="secret-key">
            <span>Project secret key</span>
            <input
              id="secret-key"
              type="password"
              autocomplete="off"
              spellcheck={false}
              autoFocus
              value={key}
              data-testid="secret-key-input"
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? 'signin-error' : 'signin-help'}
              onInput={(e) => setKeyValue(e.currentTarget.value)}
            />
          </label>
          <p id="signin-help" class="hint">
            The key is kept for this browser tab only and sent with each request as a bearer token.
          </p>
          {error && (
            <p id="signin-error" class="alert alert-error" role="alert" data-testid="sign-in-error">
              {error}
            </p>
          )}
          {!error && notice && (
            <p class="alert alert-info" role="status" data-testid="sign-in-notice">
              {notice}
            </p>
          )}
          <button type="submit" class="btn btn-primary btn-block" data-testid="sign-in-submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  )
}
