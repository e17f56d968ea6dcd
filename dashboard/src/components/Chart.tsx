// A thin Preact wrapper around uPlot (the one chart library of the dashboard). The canvas is hidden
// from assistive technology behind `summary`; every chart also renders its data as a table.

import { useEffect, useRef } from 'preact/hooks'
import type { ComponentChildren } from 'preact'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface ChartProps {
  /** Options without width/height; memoise it (a new object rebuilds the chart). */
  options: Omit<uPlot.Options, 'width' | 'height'>
  /** Memoise it too. */
  data: uPlot.AlignedData
  height?: number
  /** Text alternative read out in place of the canvas. */
  summary: string
  testId?: string
  /** A data table (or other text alternative) shown under a disclosure. */
  table?: ComponentChildren
}

export function Chart({ options, data, height = 280, summary, testId, table }: ChartProps) {
  const host = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const el = host.current
    if (!el) return
    const width = Math.max(320, el.clientWidth || 640)
    const plot = new uPlot({ ...options, width, height }, data, el)
    let frame = 0
    const ro = new ResizeObserver(() => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => {
        const w = Math.max(320, el.clientWidth)
        if (w && Math.abs(w - plot.width) > 1) plot.setSize({ width: w, height })
      })
    })
    ro.observe(el)
    return () => {
      cancelAnimationFrame(frame)
      ro.disconnect()
      plot.destroy()
    }
  }, [options, data, height])

  return (
    <figure class="chart" data-testid={testId}>
      <div ref={host} class="chart-canvas" role="img" aria-label={summary} />
      {table && (
        <details class="chart-data">
          <summary>Show the data as a table</summary>
          <div class="table-scroll">{table}</div>
        </details>
      )}
    </figure>
  )
}
