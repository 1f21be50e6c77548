import { resolve } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { fileURLToPath } from 'node:url'
import { defineConfig, externalizeDepsPlugin } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { normalizePath, type Plugin } from 'vite'
import { cspHeader } from './src/main/security'
import * as contractNames from './src/shared/contract/names'

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
    plugins: [externalizeDepsPlugin(), moduleAsData(resolve(root, 'src/shared/contract/names.ts'), contractNames)],
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

/**
 * Replaces one module of a build by the values of its exports, evaluated here (when the config
 * loads, from the same source file). The preload exposes one method per operation name, and the
 * names derive from the contract's table, which carries every schema (zod, the mutations' rules:
 * ~200 kB bundled) that the sandboxed preload has no use for: it gets the names as data instead.
 */
function moduleAsData(file: string, exports: Record<string, unknown>): Plugin {
  const id = normalizePath(file)
  const code = Object.entries(exports)
    .map(([name, value]) => {
      const json = JSON.stringify(value)
      if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) {
        throw new Error(`${file}: export ${name} is not plain JSON data, so it cannot be carried as data.`)
      }
      return `export const ${name} = /* @__PURE__ */ Object.freeze(${json})\n`
    })
    .join('')
  return {
    name: 'handoff-module-as-data',
    enforce: 'pre',
    load: (loaded) => (normalizePath(loaded) === id ? code : null)
  }
}
