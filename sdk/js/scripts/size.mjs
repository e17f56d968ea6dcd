// Prints the minified and gzipped size of dist/footfall.min.js; fails over the 6 KB budget.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const BUDGET = 6 * 1024
const code = readFileSync(new URL('../dist/footfall.min.js', import.meta.url))
const gz = gzipSync(code, { level: 9 }).length
console.log(`dist/footfall.min.js: ${code.length} bytes minified, ${gz} bytes gzipped (budget ${BUDGET})`)
if (gz > BUDGET) {
  console.error('over the size budget')
  process.exit(1)
}
