import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/{shared,core,harness,main,renderer,repo,server,sync}/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/pg-global-setup.ts']
  }
})
