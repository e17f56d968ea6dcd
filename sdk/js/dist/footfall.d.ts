export interface InitOptions {
    /** Public project id (sent as `?project=`). Required. */
    projectId: string;
    /** Server origin, e.g. "https://stats.example.com". Default: the page's own origin. */
    host?: string;
    /** Milliseconds between timed flushes. Default 2000. */
    flushInterval?: number;
    /** Events per request; a queue this long is flushed at once. Default 50 (1..1000). */
    maxBatch?: number;
    /** Send `page.visit` on init and on SPA navigation. Default true. */
    autoPageViews?: boolean;
    /** When true and `navigator.globalPrivacyControl === true`, nothing is recorded or sent. Default false. */
    respectGlobalPrivacyControl?: boolean;
    /** Inactivity after which a new session starts. Default 30. */
    sessionTimeoutMinutes?: number;
    /** Per-site opt-out: record and send nothing. Default false. */
    disabled?: boolean;
}
/** Extra native fields for `track`. */
export interface Fields {
    params?: Record<string, unknown>;
    label?: string;
    target?: Record<string, string>;
    sourceId?: string;
    experience?: string;
    variant?: string;
}
export interface FootfallEvent extends Fields {
    id: string;
    action: string;
    time: string;
    guestId: string;
    userId?: string;
    sessionId: string;
}
/** OneEntry UserActivity event (https://doc.oneentry.cloud, UserActivity module). */
export interface UserActivity {
    type: string;
    productId?: string | number;
    pageId?: string | number;
    query?: string;
    meta?: Record<string, unknown>;
}
export interface State {
    initialized: boolean;
    enabled: boolean;
    optedOut: boolean;
    guestId: string | null;
    userId: string | null;
    sessionId: string | null;
    queue: number;
    attempt: number;
}
/** Injection points for tests. */
export interface Deps {
    now?: () => number;
    random?: () => number;
}
/** Most events kept while the server cannot be reached; the oldest go first. */
export declare const MAX_QUEUE = 1000;
/** Maps a OneEntry activity to a native action and its fields; exported for tests. */
export declare function oneEntryEvent(a: UserActivity): [string, Fields];
export declare function uuid(rnd?: () => number): string;
/** Milliseconds from a Retry-After header (seconds or HTTP date), capped at 10 minutes; 0 when absent. */
export declare function retryAfter(h: string | null, now: number): number;
export declare function createFootfall(deps?: Deps): {
    init: (opts: InitOptions) => void;
    track: (action: string, params?: Record<string, unknown> | undefined, label?: string | undefined, fields?: Fields | undefined) => boolean;
    identify: (userId: string) => void;
    reset: () => void;
    flush: () => Promise<void>;
    /** Contentstack Personalize: an impression of a variant of an experience. */
    triggerImpression: (experienceShortUid: string, variantShortUid: string) => boolean;
    /** Contentstack Personalize: a conversion event; the key is the action. */
    triggerEvent: (eventKey: string) => boolean;
    /** OneEntry UserActivity: resolves to true once queued. */
    trackUserActivity: (a: UserActivity) => Promise<boolean>;
    optOut: () => void;
    optIn: () => void;
    /** Debug view for tests and support: ids and queue length. */
    _state: () => State;
    /** Removes listeners and timers (tests, hot reload). */
    _destroy: () => void;
};
export type Footfall = ReturnType<typeof createFootfall>;
