// Builds dist/footfall.min.js (IIFE, global `footfall`) and dist/footfall.esm.js.
import { build } from 'esbuild'

const common = { entryPoints: ['src/index.ts'], bundle: true, minify: true, target: 'es2019', legalComments: 'none' }
await build({ ...common, format: 'iife', globalName: 'footfall', outfile: 'dist/footfall.min.js' })
await build({ ...common, format: 'esm', outfile: 'dist/footfall.esm.js' })
console.log('built dist/footfall.min.js and dist/footfall.esm.js')
