// @ts-check
import { fileURLToPath } from 'node:url'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import { importX, createNodeResolver } from 'eslint-plugin-import-x'
import globals from 'globals'
import { layerZones, serverPackages } from './scripts/layer-rules.mjs'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * The process layers (see docs/architecture.md), by the packages each room may not import.
 * shared is pure and importable everywhere; core runs without Electron; the renderer only talks
 * to the contract; no desktop room loads the sync server's packages.
 */
const node = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net']
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
  // and the folder layers of scripts/layer-rules.mjs (shared with `npm run layers`).
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts', '.cts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs', '.json'] })]
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...layerZones] }]
    }
  },
  ...packageLayers.map(({ files, forbid }) => ({ files, rules: packageRule(forbid) }))
)
