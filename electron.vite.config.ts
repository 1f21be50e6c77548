import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, externalizeDepsPlugin } from 'electron-vite'
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'
import { cspHeader } from './src/main/security'

const root = fileURLToPath(new URL('.', import.meta.url))

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          'core-worker': resolve(root, 'src/core/worker/entry.ts')
        }
      }
    }
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        // A sandboxed preload cannot load ES modules: emit one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    build: {
      rollupOptions: { input: resolve(root, 'src/renderer/index.html') }
    },
    plugins: [react(), devCsp()]
  }
})

/**
 * In `npm run dev` only, Vite injects inline scripts and styles (React refresh, CSS): relax the
 * CSP meta to the development policy there. Builds keep the strict policy of index.html.
 */
function devCsp(): Plugin {
  return {
    name: 'handoff-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace(/(http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/, (_m, head: string, tail: string) => `${head}${cspHeader('development')}${tail}`)
  }
}
