// @ts-check
import { fileURLToPath } from 'node:url'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import { importX, createNodeResolver } from 'eslint-plugin-import-x'
import globals from 'globals'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * The process layers (see docs/architecture.md), by the packages each room may not import.
 * shared is pure and importable everywhere; core runs without Electron; the renderer only talks
 * to the contract; no desktop room loads the sync server's packages.
 */
const node = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net']
const serverPackages = ['fastify', 'pg', '@electric-sql/pglite']
const packageRule = (patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message: 'This import crosses a process layer (docs/architecture.md).' })) }]
})
const packageLayers = [
  { files: ['src/shared/**'], forbid: [...node, 'electron', 'better-sqlite3', 'react', 'react-dom', ...serverPackages] },
  { files: ['src/renderer/**'], forbid: [...node, 'electron', 'better-sqlite3', ...serverPackages] },
  { files: ['src/preload/**'], forbid: [...node, 'better-sqlite3', 'react', ...serverPackages] },
  { files: ['src/core/**'], forbid: ['electron', 'react', ...serverPackages] },
  { files: ['src/main/**'], forbid: ['react', ...serverPackages] },
  { files: ['src/server/**'], forbid: ['electron', 'react'] }
]

/**
 * The layers by folder, on resolved paths (import-x/no-restricted-paths): each room of src/ and
 * the rooms it may import. shared < core < main; preload, renderer and server stand on shared only.
 */
const rooms = { shared: [], core: ['shared'], main: ['shared', 'core'], preload: ['shared'], renderer: ['shared'], server: ['shared'] }
const roomZones = Object.entries(rooms).map(([room, allowed]) => ({
  target: `src/${room}`,
  from: Object.keys(rooms).filter((other) => other !== room && !allowed.includes(other)).map((other) => `src/${other}`),
  message: `src/${room} may import only ${allowed.length === 0 ? 'itself' : allowed.map((r) => `src/${r}`).join(' and ')} (docs/architecture.md).`
}))
/**
 * The floors inside src/core: infra/ stands on nothing else in the core; a capability folder (any
 * folder but infra/ and worker/) never imports the combining files above it (core.ts, handlers.ts)
 * nor the worker; worker/ is the top, imported by nothing else in the core.
 */
const coreZones = [
  { target: 'src/core/infra', from: 'src/core', except: ['./infra'], message: 'src/core/infra is the floor of the core: it imports no capability folder and nothing above.' },
  {
    target: 'src/core/!(infra|worker)/**',
    from: ['src/core/core.ts', 'src/core/handlers.ts', 'src/core/worker'],
    message: 'A capability folder of src/core does not import core.ts, handlers.ts or worker/: they combine the capabilities.'
  },
  { target: ['src/core/*.ts', 'src/core/!(worker)/**'], from: 'src/core/worker', message: 'src/core/worker is the top of the core: nothing else in the core imports it.' }
]

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'off'
    }
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: { '@typescript-eslint/switch-exhaustiveness-check': 'error' }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' }
  },
  // Imports resolved as Node and the bundler do (extensionless TypeScript paths): runtime import
  // cycles anywhere in the repository (type-only imports are erased, so they cannot form one),
  // and the folder layers above.
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts', '.cts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs', '.json'] })]
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...roomZones, ...coreZones] }]
    }
  },
  ...packageLayers.map(({ files, forbid }) => ({ files, rules: packageRule(forbid) }))
)
