// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import { importX, createNodeResolver } from 'eslint-plugin-import-x'
import globals from 'globals'

/**
 * The process layers (see docs/architecture.md). Each entry lists what a folder may NOT import.
 * shared is pure and importable everywhere; core runs without Electron; the renderer only talks
 * to the contract; the server never reaches into the desktop app.
 */
const node = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net']
const layer = (patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message: 'This import crosses a process layer (docs/architecture.md).' })) }]
})
const layers = [
  { files: ['src/shared/**'], forbid: [...node, 'electron', 'better-sqlite3', 'react', 'react-dom', '**/main/**', '**/renderer/**', '**/preload/**', '**/server/**'] },
  { files: ['src/renderer/**'], forbid: [...node, 'electron', 'better-sqlite3', '**/main/**', '**/preload/index*', '**/server/**'] },
  { files: ['src/preload/**'], forbid: [...node, 'better-sqlite3', 'react', '**/main/**', '**/renderer/**', '**/server/**'] },
  { files: ['src/core/**'], forbid: ['electron', 'react', '**/main/**', '**/renderer/**', '**/preload/**', '**/server/**'] },
  { files: ['src/main/**'], forbid: ['react', '**/renderer/**', '**/preload/**', '**/server/**'] },
  { files: ['src/server/**'], forbid: ['electron', 'react', '**/main/**', '**/renderer/**', '**/preload/**'] }
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
  // Runtime import cycles anywhere in the repository (type-only imports are erased, so they cannot
  // form one), on imports resolved as Node and the bundler do (extensionless TypeScript paths).
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts', '.cts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs', '.json'] })]
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] }
  },
  ...layers.map(({ files, forbid }) => ({ files, rules: layer(forbid) }))
)
