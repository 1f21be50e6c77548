#!/usr/bin/env node
/**
 * Makes sure better-sqlite3 is built for Electron's ABI, next to (never instead of) the Node
 * build in node_modules that tests, the harness and the benchmark load.
 *
 *   node scripts/electron-native.mjs [--force] [--no-electron-check] [--root DIR]
 *
 * Result: <root>/.native/electron-<version>-<platform>-<arch>/better_sqlite3.node (+ build-info.json).
 * How: copy the better-sqlite3 package (without its build/) to a temp folder, try
 * `prebuild-install --runtime electron`, else `node-gyp rebuild` against Electron's headers,
 * then copy the .node out. node_modules/better-sqlite3 is only read. See docs/native-modules.md.
 *
 *   --force               rebuild even if an up-to-date build is there
 *   --no-electron-check   build even when node_modules/electron has no binary (CI, packaging)
 *   --root DIR            put .native/ under DIR instead of the project folder
 *   --dist-url URL        where node-gyp gets Electron's headers (default https://electronjs.org/headers)
 * A mirror for the prebuilt binaries: set npm_config_better_sqlite3_binary_host (prebuild-install).
 *
 * Run by `npm start` (prestart) and `npm run dev`.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir, tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const projectRoot = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)

/** Same as src/main/native.ts (test/main/native.test.ts checks they agree). */
export function electronNativePath(root, electronVersion, platform, arch) {
  return join(root, '.native', `electron-${electronVersion}-${platform}-${arch}`, 'better_sqlite3.node')
}

/**
 * The environment for the build tools. npm exports npm_config_nodedir (here: /usr, from
 * ~/.npmrc) to scripts, and node-gyp would then build against Node's headers instead of
 * Electron's: it must go.
 */
export function childEnv(env = process.env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key.toLowerCase() !== 'npm_config_nodedir'))
}

/** Where the installed Electron package is, its version, and whether its binary was downloaded. */
export function electronStatus(req = require) {
  let packageJson
  try {
    packageJson = req.resolve('electron/package.json')
  } catch {
    return { installed: false, version: null, binary: null, dir: null }
  }
  const dir = dirname(packageJson)
  const version = JSON.parse(readFileSync(packageJson, 'utf8')).version
  const pathFile = join(dir, 'path.txt')
  let binary = null
  if (existsSync(pathFile)) {
    const candidate = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
    if (existsSync(candidate)) binary = candidate
  }
  return { installed: true, version, binary, dir }
}

/** The better-sqlite3 package folder and version. */
export function betterSqlite3Package(req = require) {
  const packageJson = req.resolve('better-sqlite3/package.json')
  return { dir: dirname(packageJson), version: JSON.parse(readFileSync(packageJson, 'utf8')).version }
}

const BUILD_INFO = 'build-info.json'

/** Is the build at `target` there and made from this better-sqlite3 version? */
export function isUpToDate(target, betterSqlite3Version) {
  if (!existsSync(target) || statSync(target).size === 0) return false
  try {
    const info = JSON.parse(readFileSync(join(dirname(target), BUILD_INFO), 'utf8'))
    return info.betterSqlite3 === betterSqlite3Version
  } catch {
    return false
  }
}

/** npm's own node-gyp (npm tells scripts where it is), else the one shipped with npm next to node. */
function nodeGypCommand(env) {
  const candidates = [env.npm_config_node_gyp, join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')]
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return [process.execPath, candidate]
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')]
  } catch {
    return ['node-gyp']
  }
}

function run(command, args, cwd, env, log) {
  log(`$ ${[command, ...args].map((a) => (a.includes(' ') ? JSON.stringify(a) : a)).join(' ')}`)
  // The tools' own output goes to stderr, so the caller's stdout stays clean.
  const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', 2, 2], timeout: 20 * 60_000 })
  if (result.error) return `${result.error.message}`
  if (result.status !== 0) return `exit code ${result.status ?? result.signal}`
  return null
}

/**
 * Builds (or finds) the Electron build of better-sqlite3. Returns { status: 'present' | 'built',
 * path, via? }; throws an Error with a readable message when it cannot.
 */
export function ensureElectronNative({
  root = projectRoot,
  force = false,
  requireElectronBinary = true,
  platform = process.platform,
  arch = process.arch,
  env = process.env,
  distUrl = 'https://electronjs.org/headers',
  log = (line) => process.stderr.write(`electron-native: ${line}\n`)
} = {}) {
  const electron = electronStatus()
  if (!electron.installed) throw new Error('The electron package is not installed (run `npm install`).')
  if (requireElectronBinary && !electron.binary) {
    const error = new Error(
      [
        `The Electron ${electron.version} binary is not installed: ${relative(projectRoot, electron.dir) || electron.dir}/dist is missing`,
        '(npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or the download failed), so the desktop app cannot start here.',
        '  - Install it (needs network): unset ELECTRON_SKIP_BINARY_DOWNLOAD, then `node node_modules/electron/install.js`.',
        '  - Or use the same renderer and core in a browser: `npm run build && npm run harness -- --data DIR`.',
        '  - To prepare only the Electron build of better-sqlite3: `node scripts/electron-native.mjs --no-electron-check`.'
      ].join('\n')
    )
    error.code = 'ELECTRON_BINARY_MISSING'
    throw error
  }

  const sqlite = betterSqlite3Package()
  const target = electronNativePath(root, electron.version, platform, arch)
  if (!force && isUpToDate(target, sqlite.version)) {
    log(`up to date: ${target}`)
    return { status: 'present', path: target }
  }

  log(`building better-sqlite3 ${sqlite.version} for Electron ${electron.version} (${platform}-${arch})`)
  const work = mkdtempSync(join(tmpdir(), 'handoff-native-'))
  try {
    const copy = join(work, 'better-sqlite3')
    // Everything but build/: the Node build stays where it is, untouched.
    cpSync(sqlite.dir, copy, { recursive: true, filter: (src) => relative(sqlite.dir, src).split(/[\\/]/)[0] !== 'build' })
    const built = join(copy, 'build', 'Release', 'better_sqlite3.node')
    const cleanEnv = childEnv(env)
    const failures = []

    const prebuildBin = createRequire(join(sqlite.dir, 'package.json')).resolve('prebuild-install/bin.js')
    const prebuild = run(process.execPath, [prebuildBin, '--runtime', 'electron', '--target', electron.version, '--arch', arch, '--platform', platform, '--verbose'], copy, cleanEnv, log)
    let via = 'prebuild-install'
    if (prebuild !== null || !existsSync(built)) {
      failures.push(`prebuild-install: ${prebuild ?? 'no binary produced'}`)
      log('no prebuilt binary; building from source with node-gyp against Electron headers')
      rmSync(join(copy, 'build'), { recursive: true, force: true })
      const [gypCommand, ...gypPrefix] = nodeGypCommand(cleanEnv)
      const gyp = run(
        gypCommand,
        [
          ...gypPrefix,
          'rebuild',
          '--release',
          `--target=${electron.version}`,
          `--arch=${arch}`,
          `--dist-url=${distUrl}`,
          '--runtime=electron',
          `--devdir=${join(homedir(), '.electron-gyp')}`
        ],
        copy,
        cleanEnv,
        log
      )
      via = 'node-gyp'
      if (gyp !== null || !existsSync(built)) {
        failures.push(`node-gyp: ${gyp ?? 'no binary produced'}`)
        const error = new Error(
          [
            `Could not get better-sqlite3 for Electron ${electron.version} (${platform}-${arch}):`,
            ...failures.map((f) => `  - ${f}`),
            'Both need network (GitHub release assets, or electronjs.org headers) and node-gyp needs a C++ toolchain.',
            'See docs/native-modules.md. node_modules/better-sqlite3 was not changed.'
          ].join('\n')
        )
        error.code = 'NATIVE_BUILD_FAILED'
        throw error
      }
    }

    mkdirSync(dirname(target), { recursive: true })
    const partial = `${target}.partial`
    copyFileSync(built, partial)
    renameSync(partial, target)
    const info = { electron: electron.version, betterSqlite3: sqlite.version, platform, arch, via, builtAt: new Date().toISOString() }
    writeFileSync(join(dirname(target), BUILD_INFO), `${JSON.stringify(info, null, 2)}\n`)
    log(`built via ${via}: ${target}`)
    return { status: 'built', path: target, via }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

export function parseArgs(argv) {
  const options = { force: false, requireElectronBinary: true, root: projectRoot }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--force') options.force = true
    else if (arg === '--no-electron-check') options.requireElectronBinary = false
    else if (arg === '--root' && argv[i + 1]) options.root = resolve(argv[++i])
    else if (arg === '--dist-url' && argv[i + 1]) options.distUrl = argv[++i]
    else throw new Error(`Unknown option ${arg}. Usage: node scripts/electron-native.mjs [--force] [--no-electron-check] [--root DIR] [--dist-url URL]`)
  }
  return options
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href
if (invokedDirectly) {
  try {
    ensureElectronNative(parseArgs(process.argv.slice(2)))
  } catch (error) {
    process.stderr.write(`\nHandoff (scripts/electron-native.mjs): ${error instanceof Error ? error.message : String(error)}\n\n`)
    process.exit(1)
  }
}
