import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Resolve workspace packages to their TypeScript sources (source-first), so
// tests never need a prior build. Reporters are left at their defaults; CI adds
// a JSON reporter on the command line (see the `test:ci` script).
const conditions = ['@alloc/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
  },
});
