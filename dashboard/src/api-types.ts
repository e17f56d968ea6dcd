// Generated from dashboard/openapi.json by scripts/api-types.mjs (npm run api-types): do not edit by hand.

export interface ActionLists {
  allow: string[]
  deny: string[]
}

export interface ActionTotal {
  action: string
  count: number
}

export interface ActivityEvent {
  time: string
  action: string
  label: null | string
  target: null | Record<string, string>
  params: null | JsonElement
  sourceId: null | string
  id: null | string
  source?: null | string
  userId?: null | string
  guestId?: null | string
  sessionId?: null | string
  experience?: null | string
  variant?: null | string
}

export interface ActivityPage {
  events: ActivityEvent[]
  next: null | string
}

export interface ApiError {
  error: string
  requestId?: null | string
}

export interface AttributesUpdated {
  updated: number
}

export interface CreatedProject {
  id: string
  name: string
  secretKey: string
}

export interface ErasureResult {
  erasedEvents: number
}

export interface ExperienceDefinition {
  shortUid: string
  name?: string
  variants?: VariantDefinition[]
  metrics?: string[]
  attributionDays?: number
  status?: string
  tags?: string[]
  createdAt?: string
}

export interface ExperienceList {
  experiences: ExperienceSummary[]
}

export interface ExperienceResults {
  experience: string
  attributionDays: number
  variants: VariantResults[]
  sampleRatioMismatch: SampleRatioMismatch
  winner: null | string
}

export interface ExperienceSummary {
  shortUid: string
  name: string
  status: string
  variants: VariantDefinition[]
  metrics: string[]
  attributionDays: number
  tags: string[]
  createdAt: string
  impressions: number
  leader: null | string
  winner: null | string
  firstImpressionAt: null | string
}

export interface ExperienceTimeline {
  metric: string
  days: TimelineDay[]
}

export interface FeedPerformance {
  feed: string
  responses: number
  clicks: number
  addToCarts: number
  purchases: number
  revenue: number
  clickThroughRate?: number
}

export interface Healthy {
  status: string
  store: string
}

export interface IngestRejection {
  index: number
  error: string
}

export interface IngestResult {
  accepted: number
  duplicates: number
  rejected: IngestRejection[]
  refusedLinks?: number
}

export type JsonElement = unknown

export interface LinkResult {
  linked: boolean
}

export interface LiveStats {
  minutes: MinuteCounts[]
  topActions: ActionTotal[]
  total: number
}

export interface Manifest {
  activeVariants: Record<string, string>
  experiences: ManifestExperience[]
}

export interface ManifestExperience {
  shortUid: string
  activeVariantShortUid: null | string
}

export interface MergeAnswer {
  merged: boolean
}

export interface MergeBody {
  userId: string
  intoUserId: string
}

export interface MergeResult {
  merged: boolean
  person: PersonView
}

export interface MetricResults {
  conversions: number
  convertedUsers: number
  conversionRate: number
  probabilityToBeBest: number
  credibleInterval?: null | number[]
}

export interface Metrics {
  sampleRate: number
}

export interface MinuteCounts {
  minute: string
  counts: Record<string, number>
}

export interface PersonAnswer {
  person: PersonView
}

export interface PersonExport {
  identifiers: PersonIdentifier[]
  attributes: null | Record<string, unknown>
  firstSeen: null | string
  lastSeen: null | string
  eventCount: number
  events: ActivityEvent[]
}

export interface PersonIdentifier {
  kind: string
  id: string
}

export interface PersonView {
  identifiers: PersonIdentifier[]
  attributes: Record<string, unknown>
  firstSeen: null | string
  lastSeen: null | string
  eventCount: number
}

export interface Plan {
  track: Record<string, PlanRule>
  identify: Record<string, PlanRule>
  group: Record<string, PlanRule>
}

export interface PlanRule {
  enabled: boolean
}

export interface ProjectInfo {
  id: string
  name: string
  createdAt: string
}

export interface QuarantinedEvent {
  time: string
  source: string
  error: string
  raw: string
}

export interface RecommendationPerformance {
  feeds: FeedPerformance[]
  from?: string
  to?: string
}

export interface Recommendations {
  responseId: string
  items: RecommendedItem[]
  feed?: null | string
  fallback?: null | string
}

export interface RecommendedItem {
  id: string
  score: number
}

export interface RejectedList {
  rejected: QuarantinedEvent[]
}

export interface SampleRatioMismatch {
  pValue: number
  detected: boolean
}

export interface SegmentAnswer {
  success: boolean
  accepted: number
  duplicates: number
  rejected: IngestRejection[]
  refusedLinks: number
}

export interface SegmentIo {
  apiKey: string
  apiHost: string
  protocol: string
  unbundledIntegrations?: null | string[]
  addBundledMetadata?: boolean
}

export interface Settings {
  integrations: Record<string, SegmentIo>
  plan: Plan
  metrics: Metrics
  edgeFunction?: null | Record<string, string>
  remotePlugins?: null | string[]
  enabledMiddleware?: null | Record<string, boolean>
  analyticsNextEnabled?: boolean
}

export interface TimelineDay {
  date: string
  variants: Record<string, TimelinePoint>
}

export interface TimelinePoint {
  impressions: number
  convertedUsers: number
  conversionRate: number
}

export interface VariantDefinition {
  shortUid: string
  weight: number
  name?: null | string
}

export interface VariantResults {
  variant: string
  impressions: number
  metrics: Record<string, MetricResults>
}

export interface GetAnswers {
  '/healthz': Healthy
  '/livez': Healthy
  '/personalize/manifest': Manifest
  '/segment/v1/projects/{writeKey}/settings': Settings
  '/v1/experiences': ExperienceList
  '/v1/experiences/{shortUid}': ExperienceDefinition
  '/v1/experiences/{shortUid}/results': ExperienceResults
  '/v1/experiences/{shortUid}/timeline': ExperienceTimeline
  '/v1/people': PersonAnswer
  '/v1/people/activity': ActivityPage
  '/v1/people/export': PersonExport
  '/v1/project': ProjectInfo
  '/v1/recommendations/performance': RecommendationPerformance
  '/v1/recommendations/{feed}': Recommendations
  '/v1/rejected': RejectedList
  '/v1/settings/actions': ActionLists
  '/v1/stats/live': LiveStats
}
