/**
 * The rules that keep the server's packages out of the desktop app (scripts/desktop-bundle.ts):
 * over the repository's own manifests, and over small made-up builds and lockfiles that break
 * each rule once. The check over a real build runs in `npm run test:e2e`.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  DESKTOP_SOURCES,
  checkManifests,
  checkOutput,
  dependencyTree,
  packageOf,
  packagesImported,
  serverOnlyPackages,
  type Lockfile,
  type Manifest
} from '../../scripts/desktop-bundle'

const root = fileURLToPath(new URL('../..', import.meta.url))
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T

function desktopSources() {
  return DESKTOP_SOURCES.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.tsx?$/.test(name))
      .map((name) => ({ path: `${dir}/${name}`, code: readFileSync(join(root, dir, name), 'utf8') }))
  )
}

describe('the repository', () => {
  const rootManifest = readJson<Manifest>('package.json')
  const serverManifest = readJson<Manifest>('src/server/package.json')
  const lock = readJson<Lockfile>('package-lock.json')

  it('lists no server package among the desktop app dependencies, and each one is used by the desktop', () => {
    expect(checkManifests(rootManifest, serverManifest, packagesImported(desktopSources()))).toEqual([])
  })
  it('counts fastify, pg, PGlite and their own dependencies as server-only, and nothing the desktop runs', () => {
    const serverOnly = serverOnlyPackages(rootManifest, serverManifest, lock)
    for (const name of ['fastify', 'pg', 'pg-protocol', '@electric-sql/pglite', 'cli-progress', 'csv-parse', 'pino']) expect(serverOnly).toContain(name)
    for (const name of Object.keys(rootManifest.dependencies ?? {})) expect(serverOnly).not.toContain(name)
  })
})

describe('packageOf', () => {
  it('names the package of a bare specifier and nothing for paths or Node modules', () => {
    expect(packageOf('pg')).toBe('pg')
    expect(packageOf('csv-stringify/sync')).toBe('csv-stringify')
    expect(packageOf('@electric-sql/pglite/live')).toBe('@electric-sql/pglite')
    expect(packageOf('./chunks/names.js')).toBeNull()
    expect(packageOf('node:fs')).toBeNull()
    expect(packageOf('worker_threads')).toBeNull()
  })
})

describe('checkManifests', () => {
  const server: Manifest = { dependencies: { fastify: '^5.12.8', zod: '^4.6.7' } }
  it('refuses a server package among the desktop dependencies even when a desktop source imports it', () => {
    const problems = checkManifests({ dependencies: { pg: '^8.23.1' } }, server, new Set(['pg']))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('"pg" is a server package')
  })
  it('refuses a desktop dependency no desktop source imports', () => {
    const problems = checkManifests({ dependencies: { 'cli-progress': '^3.12.0', zod: '^4.6.7' } }, server, new Set(['zod']))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('"cli-progress" is a runtime dependency of the desktop app but no desktop source')
  })
  it('refuses two ranges for a package the root and the server both list', () => {
    const problems = checkManifests({ dependencies: { zod: '^4.0.0' }, devDependencies: { fastify: '^5.12.8' } }, server, new Set(['zod']))
    expect(problems).toEqual(['"zod": package.json asks for ^4.0.0 but src/server/package.json for ^4.6.7; keep one range so there is one copy'])
  })
})

describe('checkOutput', () => {
  const runtime = new Set(['zod', 'better-sqlite3'])
  const serverOnly = new Set(['pg', 'pg-types', 'fastify'])
  const check = (code: string) => checkOutput([{ path: 'out/main/core-worker.js', code }], runtime, serverOnly)

  it('accepts Node, Electron, relative chunks and the desktop dependencies', () => {
    expect(check('import { z } from "zod"\nimport Database from "better-sqlite3/lib/x.js"\nimport { join } from "node:path"\nimport { Worker } from "worker_threads"\nconst { app } = require("electron")\nimport { a } from "./chunks/names-x.js"\n// node_modules/better-sqlite3/build holds the binary')).toEqual([])
  })
  it('refuses an import or a require of a server package', () => {
    expect(check('import pg from "pg"')).toEqual(['out/main/core-worker.js imports "pg", a server package'])
    expect(check('const f = require("fastify")')).toEqual(['out/main/core-worker.js imports "fastify", a server package'])
    expect(check('const m = await import("pg")')).toEqual(['out/main/core-worker.js imports "pg", a server package'])
  })
  it('refuses an import of a package that is not a desktop dependency', () => {
    expect(check('import left from "left-pad"')).toEqual(['out/main/core-worker.js imports "left-pad", which is not among the desktop app\'s dependencies (package.json)'])
  })
  it('refuses code bundled from a server package, once per package', () => {
    expect(check('// node_modules/pg-types/index.js\nvar a = 1\n// node_modules/pg-types/lib/x.js\n// node_modules/pg/lib/index.js')).toEqual([
      'out/main/core-worker.js bundles code of "pg-types", a server package',
      'out/main/core-worker.js bundles code of "pg", a server package'
    ])
  })
})

describe('dependencyTree and serverOnlyPackages', () => {
  const lock: Lockfile = {
    packages: {
      '': { dependencies: { a: '1' } },
      'node_modules/a': { dependencies: { shared: '1' } },
      'node_modules/shared': { dependencies: { leaf: '1' } },
      'node_modules/leaf': {},
      'node_modules/@handoff/server': { link: true, resolved: 'src/server' },
      'src/server': { dependencies: { s: '1', a: '1' } },
      'src/server/node_modules/s': { dependencies: { shared: '1', leaf: '2' } },
      'src/server/node_modules/s/node_modules/leaf': { dependencies: { deep: '1' } },
      'node_modules/deep': {}
    }
  }
  it('follows nested copies first, then the folders above, as Node resolves', () => {
    expect([...dependencyTree(lock, 'src/server', ['s'])].sort()).toEqual(['deep', 'leaf', 's', 'shared'])
    expect([...dependencyTree(lock, '', ['@handoff/server'])].sort()).toEqual(['@handoff/server', 'a', 'deep', 'leaf', 's', 'shared'])
  })
  it('counts as server-only what only the server tree holds, plus the named server packages', () => {
    const serverOnly = serverOnlyPackages({ dependencies: { a: '1' } }, { dependencies: { s: '1', a: '1' } }, lock)
    expect([...serverOnly].sort()).toEqual(['@electric-sql/pglite', 'deep', 'fastify', 'pg', 's'])
  })
})
