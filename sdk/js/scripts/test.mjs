// Compiles test/*.test.ts with esbuild (packages stay external) and runs them with node's test runner.
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { readdirSync, rmSync } from 'node:fs'

const out = '.test-out'
const files = readdirSync('test').filter((f) => f.endsWith('.test.ts'))
rmSync(out, { recursive: true, force: true })
await build({
  entryPoints: files.map((f) => 'test/' + f),
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'inline',
})
const args = [
  '--enable-source-maps',
  '--test',
  '--test-reporter=spec',
  ...files.map((f) => `${out}/${f.replace(/\.ts$/, '.mjs')}`),
]
const r = spawnSync(process.execPath, args, { stdio: 'inherit' })
process.exit(r.status ?? 1)
