// Entry point of dist/footfall.min.js (IIFE, global `footfall`) and dist/footfall.esm.js.
import { createFootfall } from './footfall'

const f = createFootfall()

export const init = f.init
export const track = f.track
export const identify = f.identify
export const reset = f.reset
export const flush = f.flush
export const triggerImpression = f.triggerImpression
export const triggerEvent = f.triggerEvent
export const trackUserActivity = f.trackUserActivity
export const optOut = f.optOut
export const optIn = f.optIn
export const _state = f._state
export { createFootfall }
export type { InitOptions, Fields, FootfallEvent, UserActivity, State } from './footfall'

// <script src=".../footfall.min.js" data-project-id="ID" [data-host="https://..."]> initialises itself;
// the host defaults to the origin the script was served from.
try {
  const s = document.currentScript as HTMLScriptElement | null
  const id = s && s.getAttribute('data-project-id')
  if (id) init({ projectId: id, host: s!.getAttribute('data-host') || new URL(s!.src).origin })
} catch {}
