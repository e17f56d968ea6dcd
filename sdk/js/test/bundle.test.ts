// Builds the bundles in memory (the same options as scripts/build.mjs) and checks what ships.
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { describe, it } from 'node:test'
import { expect } from 'expect'
import { mockFetch } from './helpers'

const API = [
  'init',
  'track',
  'identify',
  'reset',
  'flush',
  'triggerImpression',
  'triggerEvent',
  'trackUserActivity',
  'optOut',
  'optIn',
  '_state',
]

async function bundle(format: 'iife' | 'esm') {
  const r = await build({
    entryPoints: ['src/index.ts'],
    bundle: true,
    minify: true,
    target: 'es2019',
    legalComments: 'none',
    format,
    globalName: format == 'iife' ? 'footfall' : undefined,
    write: false,
  })
  return r.outputFiles[0].text
}

describe('bundle', () => {
  it('stays under 6 KB minified and gzipped', async () => {
    const code = await bundle('iife')
    const gz = gzipSync(code, { level: 9 }).length
    expect(gz).toBeLessThan(6 * 1024)
  })

  it('defines the global footfall with the whole API', async () => {
    const code = await bundle('iife')
    const footfall = new Function(code + '\nreturn footfall')()
    for (const k of API) expect([k, typeof footfall[k]]).toEqual([k, 'function'])
    expect(footfall._state().initialized).toBe(false)
  })

  it('the global works end to end', async () => {
    const calls = mockFetch()
    const footfall = new Function((await bundle('iife')) + '\nreturn footfall')()
    footfall.init({ projectId: 'p9', host: 'https://x.test/' })
    footfall.track('hello', { a: 1 })
    await footfall.flush()
    expect(calls[0].url).toBe('https://x.test/v1/events?project=p9')
    expect(calls[0].body.map((e) => e.action)).toEqual(['session.start', 'page.visit', 'hello'])
  })

  it('the ESM build exports the API and createFootfall', async () => {
    const code = await bundle('esm')
    for (const k of API.concat('createFootfall')) expect(code).toMatch(new RegExp('\\b' + k + '\\b'))
  })
})
