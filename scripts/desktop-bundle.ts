/**
 * The rules that keep the sync server's packages out of the desktop app (see
 * scripts/check-desktop-bundle.ts, which applies them to the repository and to a build).
 *
 * The root package.json's `dependencies` are the desktop app's runtime: electron-vite leaves
 * exactly those out of out/main and out/preload for Node to load from node_modules, and bundles
 * anything else it meets. The server declares its own runtime in src/server/package.json (an npm
 * workspace). So the desktop is clean when (1) no root dependency is a server package or unused by
 * the desktop's sources, and (2) the built main, worker and preload neither import nor bundle a
 * package that only the server's dependency tree brings.
 */
import { builtinModules } from 'node:module'
import ts from 'typescript'
import { serverPackages } from './layer-rules.mjs'

/** The desktop's source rooms (everything under src/ but the server). */
export const DESKTOP_SOURCES: readonly string[] = ['src/main', 'src/core', 'src/preload', 'src/shared', 'src/renderer']

export interface Manifest {
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

interface LockEntry {
  link?: boolean
  resolved?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

/** package-lock.json (lockfileVersion 3): every installed package by its path. */
export interface Lockfile {
  packages: Record<string, LockEntry>
}

export interface SourceFile {
  path: string
  code: string
}

const builtins = new Set(builtinModules)

/** The package a bare specifier names (`pg/lib/x` -> `pg`); null for relative paths and Node's own modules. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null
  const parts = specifier.split('/')
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier)
  return builtins.has(name) ? null : name
}

/** Every specifier a file imports, exports from, imports dynamically or requires (TypeScript's own scanner). */
export function specifiersOf(code: string): string[] {
  return ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName)
}

/** The packages a set of files imports. */
export function packagesImported(files: readonly SourceFile[]): Set<string> {
  const found = new Set<string>()
  for (const file of files) {
    for (const specifier of specifiersOf(file.code)) {
      const name = packageOf(specifier)
      if (name !== null) found.add(name)
    }
  }
  return found
}

/** The lockfile path a package named `name` resolves to from the package at `from`: Node's lookup, up the folders. */
function resolveIn(lock: Lockfile, from: string, name: string): string | null {
  for (let dir = from; ; dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '') {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`
    if (lock.packages[candidate] !== undefined) return candidate
    if (dir === '') return null
  }
}

/** The names of every package installed for `roots` (declared by the package at `from`) and their dependencies. */
export function dependencyTree(lock: Lockfile, from: string, roots: readonly string[]): Set<string> {
  const names = new Set<string>()
  const seen = new Set<string>()
  const queue: Array<[string, string]> = roots.map((name) => [from, name])
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const [at, name] = next
    let path = resolveIn(lock, at, name)
    if (path === null || seen.has(path)) continue
    seen.add(path)
    names.add(name)
    let entry = lock.packages[path]
    if (entry?.link === true && entry.resolved !== undefined) {
      path = entry.resolved
      entry = lock.packages[path]
    }
    const deps = { ...entry?.peerDependencies, ...entry?.optionalDependencies, ...entry?.dependencies }
    for (const dep of Object.keys(deps)) queue.push([path, dep])
  }
  return names
}

/**
 * The packages only the server brings: the server's named packages, and everything in the server
 * workspace's dependency tree that the desktop's runtime tree does not also hold.
 */
export function serverOnlyPackages(root: Manifest, server: Manifest, lock: Lockfile, serverDir = 'src/server'): Set<string> {
  const desktop = dependencyTree(lock, '', Object.keys(root.dependencies ?? {}))
  const found = new Set(serverPackages)
  for (const name of dependencyTree(lock, serverDir, Object.keys(server.dependencies ?? {}))) {
    if (!desktop.has(name)) found.add(name)
  }
  return found
}

/**
 * Problems with the manifests: a root (desktop runtime) dependency that is a server package or
 * that no desktop source imports, and a package the root and the server both list with different
 * ranges (two copies, and the root's tests would exercise another version than the server runs).
 */
export function checkManifests(root: Manifest, server: Manifest, desktopImports: ReadonlySet<string>): string[] {
  const problems: string[] = []
  for (const name of Object.keys(root.dependencies ?? {})) {
    if (serverPackages.includes(name)) {
      problems.push(`package.json: "${name}" is a server package; list it in src/server/package.json, not in the desktop app's dependencies`)
    } else if (!desktopImports.has(name)) {
      problems.push(`package.json: "${name}" is a runtime dependency of the desktop app but no desktop source (${DESKTOP_SOURCES.join(', ')}) imports it; if only the server uses it, list it in src/server/package.json`)
    }
  }
  const rootRanges = { ...root.devDependencies, ...root.dependencies }
  for (const [name, range] of Object.entries(server.dependencies ?? {})) {
    const mine = rootRanges[name]
    if (mine !== undefined && mine !== range) {
      problems.push(`"${name}": package.json asks for ${mine} but src/server/package.json for ${range}; keep one range so there is one copy`)
    }
  }
  return problems
}

const bundledPath = /node_modules\/((?:@[^/\s"'`]+\/)?[^/\s"'`]+)\//g

/**
 * Problems with the built main, worker and preload: a bare import of anything that is neither
 * Node's, Electron's nor a root dependency (what is not externalized would be missing at run
 * time, or would be a server package), and code bundled from a server-only package (the bundler
 * marks each bundled module with its node_modules path).
 */
export function checkOutput(files: readonly SourceFile[], runtime: ReadonlySet<string>, serverOnly: ReadonlySet<string>): string[] {
  const problems: string[] = []
  for (const file of files) {
    for (const specifier of specifiersOf(file.code)) {
      const name = packageOf(specifier)
      if (name === null || name === 'electron') continue
      if (serverOnly.has(name)) problems.push(`${file.path} imports "${specifier}", a server package`)
      else if (!runtime.has(name)) problems.push(`${file.path} imports "${specifier}", which is not among the desktop app's dependencies (package.json)`)
    }
    const bundled = new Set<string>()
    for (const match of file.code.matchAll(bundledPath)) {
      const name = match[1]
      if (name !== undefined && serverOnly.has(name)) bundled.add(name)
    }
    for (const name of bundled) problems.push(`${file.path} bundles code of "${name}", a server package`)
  }
  return problems
}
