import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { camusDevServer } from './server/dev/vite-plugin.ts';

export default defineConfig({
  plugins: [sveltekit(), camusDevServer()],
  // Rolldown's plugin-timing report is noise in every build log (Kit's writeBundle is always the slow one).
  build: { rolldownOptions: { checks: { bundlerTimings: false } } },
  test: {
    include: ['protocol/**/*.test.ts', 'server/**/*.test.ts', 'src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/support/postgres-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
