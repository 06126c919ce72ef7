import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { pwa } from './build/pwa';

// `salon-source` resolves @salon/protocol to its TypeScript sources (no build step for it).
export default defineConfig({
  plugins: [react(), pwa()],
  resolve: { conditions: ['salon-source', ...defaultClientConditions] },
  // The manifest maps each source file to its chunk: the cold-load test reads it to
  // check a guest's space page loads no other route's chunk.
  // embed.html is the embeddable player's own small page (src/embed/), served at /embed/spaces/:id.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    manifest: true,
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        embed: fileURLToPath(new URL('./embed.html', import.meta.url)),
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
      '/media': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    pool: 'threads',
    maxWorkers: 2,
  },
});
