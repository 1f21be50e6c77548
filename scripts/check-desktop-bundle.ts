/**
 * Proves the desktop app carries none of the sync server's packages (part of `npm run test:e2e`,
 * after its build): the root package.json's runtime dependencies, and what the built main,
 * worker and preload (out/main, out/preload) import or bundle. Rules in ./desktop-bundle.ts.
 * Exits 1 with one line per problem.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  DESKTOP_SOURCES,
  checkManifests,
  checkOutput,
  packagesImported,
  serverOnlyPackages,
  type Lockfile,
  type Manifest,
  type SourceFile
} from './desktop-bundle'

const root = fileURLToPath(new URL('..', import.meta.url))
const BUILT = ['out/main', 'out/preload']

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(join(root, path), 'utf8')) as T
}

function filesUnder(dir: string, extensions: RegExp): SourceFile[] {
  const abs = join(root, dir)
  if (!existsSync(abs)) return []
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((name) => extensions.test(name))
    .map((name) => ({ path: relative(root, join(abs, name)), code: readFileSync(join(abs, name), 'utf8') }))
}

const rootManifest = readJson<Manifest>('package.json')
const serverManifest = readJson<Manifest>('src/server/package.json')
const lock = readJson<Lockfile>('package-lock.json')

const desktopImports = packagesImported(DESKTOP_SOURCES.flatMap((dir) => filesUnder(dir, /\.tsx?$/)))
const problems = checkManifests(rootManifest, serverManifest, desktopImports)

const built = BUILT.map((dir) => ({ dir, files: filesUnder(dir, /\.[cm]?js$/) }))
for (const { dir, files } of built) {
  if (files.length === 0) problems.push(`${dir} holds no built code: run \`npm run build\` first`)
}
const runtime = new Set(Object.keys(rootManifest.dependencies ?? {}))
const serverOnly = serverOnlyPackages(rootManifest, serverManifest, lock)
problems.push(...checkOutput(built.flatMap(({ files }) => files), runtime, serverOnly))

if (problems.length > 0) {
  process.stderr.write(`The desktop app is not free of the server's packages:\n${problems.map((p) => `  ${p}\n`).join('')}`)
  process.exit(1)
}
const fileCount = built.reduce((n, { files }) => n + files.length, 0)
process.stdout.write(`Desktop bundle: ${runtime.size} runtime dependencies, ${fileCount} built files, none of ${serverOnly.size} server-only packages.\n`)
