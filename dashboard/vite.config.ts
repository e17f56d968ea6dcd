import { defineConfig } from 'vite';
import { mockApi } from './mock/mock-api.js';

// `npm run build` -> dist/ (index.html + hashed assets, relative URLs, served by `footfall serve` at /).
// `npm run dev` proxies /v1 to a running server (FOOTFALL_API, default http://127.0.0.1:5080).
// `npm run dev:mock` / `npm run preview:mock` answer /v1 from a development-only mock (never bundled).
export default defineConfig(({ mode }) => {
  const api = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
    .FOOTFALL_API ?? 'http://127.0.0.1:5080';
  const mock = mode === 'mock';
  return {
    base: './',
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    plugins: mock ? [mockApi()] : [],
    server: {
      host: '127.0.0.1',
      proxy: mock ? undefined : { '/v1': { target: api, changeOrigin: true } },
    },
    preview: { host: '127.0.0.1' },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2020',
      assetsInlineLimit: 0,
      sourcemap: false,
    },
  };
});
