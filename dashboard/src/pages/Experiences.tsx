import { useApi, type Experience, type ExperienceList } from '../api'
import { Card, Empty, ErrorBox, Loading, PageHeader, StatusBadge, Swatch } from '../components/ui'
import { colour } from '../palette'
import { date, daysSince, int, plural } from '../format'
import { href } from '../router'
import { normaliseExperience, variantName, weightShares } from '../variants'

const ORDER: Record<string, number> = { active: 0, paused: 1, ended: 2 }

export function ExperiencesPage() {
  const { data, error, loading } = useApi<ExperienceList>('v1/experiences')
  const list = (data?.experiences ?? [])
    .map(normaliseExperience)
    .sort((a, b) => (ORDER[a.status] ?? 3) - (ORDER[b.status] ?? 3) || a.name.localeCompare(b.name))

  return (
    <>
      <PageHeader title="Experiences" subtitle="A/B experiences of this project, their traffic split and who leads." />
      {error && <ErrorBox error={error} what="Could not load the experiences" />}
      {loading && !data && <Loading what="Loading experiences" />}
      {data && (
        <Card>
          {list.length === 0 ? (
            <Empty>
              No experiences yet. Define one with <code>PUT /v1/experiences/&#123;shortUid&#125;</code>.
            </Empty>
          ) : (
            <div class="table-scroll">
              <table class="table" data-testid="experiences-table">
                <caption class="sr-only">Experiences</caption>
                <thead>
                  <tr>
                    <th scope="col">Experience</th>
                    <th scope="col">Status</th>
                    <th scope="col">Traffic split</th>
                    <th scope="col">Running</th>
                    <th scope="col" class="num">
                      Impressions
                    </th>
                    <th scope="col">Leader</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e) => (
                    <ExperienceRow key={e.shortUid} e={e} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      )}
    </>
  )
}

function ExperienceRow({ e }: { e: Experience }) {
  const shares = weightShares(e.variants)
  const days = daysSince(e.firstImpressionAt)
  const lead = e.leader
  const leadIdx = e.variants.findIndex((v) => v.shortUid === lead)
  return (
    <tr data-testid={`experience-row-${e.shortUid}`}>
      <th scope="row">
        <a href={href(['experiences', e.shortUid])} class="row-link" data-testid="experience-link">
          {e.name || e.shortUid}
        </a>
        <div class="sub">
          <code>{e.shortUid}</code> · {e.metrics.join(', ') || 'no metrics'}
        </div>
      </th>
      <td>
        <StatusBadge status={e.status} />
      </td>
      <td>
        <div class="split" aria-hidden="true">
          {e.variants.map((v, i) => (
            <span key={v.shortUid} style={{ flexGrow: Math.max(shares[i], 0.0001), background: colour(i) }} />
          ))}
        </div>
        <div class="split-legend" data-testid="traffic-split">
          {e.variants.map((v, i) => (
            <span key={v.shortUid} data-variant={v.shortUid} data-weight={v.weight}>
              <Swatch index={i} />
              {variantName(v, v.shortUid)} {(shares[i] * 100).toFixed(0)}%
            </span>
          ))}
        </div>
      </td>
      <td data-testid="days-running" data-first-impression={e.firstImpressionAt ?? ''}>
        {days === null ? (
          // No first-impression time from the server: "Not started" only when there are no impressions either.
          e.impressions ? (
            <span class="muted" title="The server does not report when the first impression was">
              —
            </span>
          ) : (
            <span class="muted">Not started</span>
          )
        ) : (
          <>
            {plural(days, 'day')}
            <div class="sub">since {date(e.firstImpressionAt)}</div>
          </>
        )}
      </td>
      <td class="num" data-testid="impressions" data-value={e.impressions ?? ''}>
        {int(e.impressions)}
      </td>
      <td data-testid="leader" data-value={lead ?? ''}>
        {lead === null ? (
          <span class="muted">No leader yet</span>
        ) : (
          <span class="variant-label">
            <Swatch index={leadIdx >= 0 ? leadIdx : 0} />
            {variantName(e.variants[leadIdx], lead)}
          </span>
        )}
      </td>
    </tr>
  )
}
