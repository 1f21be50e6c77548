import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { electronNativePath, nativeBindingFor } from '../../src/main/native'
import * as script from '../../scripts/electron-native.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const scriptFile = join(root, 'scripts/electron-native.mjs')
const nodeBuild = join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')
const electronVersion = (createRequire(import.meta.url)('electron/package.json') as { version: string }).version

const temps: string[] = []
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temps.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

describe('where the Electron build lives', () => {
  it('is .native/electron-<version>-<platform>-<arch>/better_sqlite3.node, the same in main and in the script', () => {
    expect(electronNativePath('/app', '40.10.2', 'linux', 'x64')).toBe('/app/.native/electron-40.10.2-linux-x64/better_sqlite3.node')
    for (const [r, v, p, a] of [
      ['/app', '40.10.2', 'linux', 'x64'],
      ['/home/a b/handoff', '41.0.0-beta.3', 'darwin', 'arm64'],
      ['relative/root', '40.0.0', 'win32', 'ia32']
    ] as const) {
      expect(script.electronNativePath(r, v, p, a)).toBe(electronNativePath(r, v, p, a))
    }
  })

  it('is handed to the core only under Electron', () => {
    expect(nativeBindingFor('/app', { ...process.versions, electron: '40.10.2' }, 'linux', 'x64')).toBe('/app/.native/electron-40.10.2-linux-x64/better_sqlite3.node')
    expect(nativeBindingFor('/app', { ...process.versions }, 'linux', 'x64')).toBeUndefined()
  })
})

describe('scripts/electron-native.mjs', () => {
  it('strips npm_config_nodedir (any case) from the build tools’ environment, and nothing else', () => {
    const env = script.childEnv({ npm_config_nodedir: '/usr', NPM_CONFIG_NODEDIR: '/usr', PATH: '/bin', npm_config_cache: '/c' })
    expect(env).toEqual({ PATH: '/bin', npm_config_cache: '/c' })
  })

  it('counts a build as up to date only with its build-info for this better-sqlite3', () => {
    const dir = temp('handoff-native-info-')
    const target = join(dir, 'better_sqlite3.node')
    expect(script.isUpToDate(target, '12.11.1')).toBe(false)
    writeFileSync(target, 'x')
    expect(script.isUpToDate(target, '12.11.1')).toBe(false)
    writeFileSync(join(dir, 'build-info.json'), JSON.stringify({ betterSqlite3: '12.10.0' }))
    expect(script.isUpToDate(target, '12.11.1')).toBe(false)
    writeFileSync(join(dir, 'build-info.json'), JSON.stringify({ betterSqlite3: '12.11.1' }))
    expect(script.isUpToDate(target, '12.11.1')).toBe(true)
  })

  it('finds an up-to-date build without building again', () => {
    const dir = temp('handoff-native-present-')
    const target = electronNativePath(dir, electronVersion, process.platform, process.arch)
    mkdirSync(join(target, '..'), { recursive: true })
    writeFileSync(target, 'pretend')
    writeFileSync(join(target, '../build-info.json'), JSON.stringify({ betterSqlite3: script.betterSqlite3Package().version }))
    const result = script.ensureElectronNative({ root: dir, requireElectronBinary: false, log: () => {} })
    expect(result).toEqual({ status: 'present', path: target })
  })

  it.skipIf(script.electronStatus().binary !== null)('explains a missing Electron binary clearly instead of failing npm start obscurely', () => {
    const run = spawnSync(process.execPath, [scriptFile, '--root', temp('handoff-native-nobin-')], { encoding: 'utf8' })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`The Electron ${electronVersion} binary is not installed`)
    expect(run.stderr).toContain('npm run harness')
  })

  it('never touches node_modules/better-sqlite3, and Node still loads its own build afterwards', () => {
    const before = sha(nodeBuild)
    const out = temp('handoff-native-root-')
    // Offline on purpose: unreachable mirrors, and a HOME without cached headers or prebuilds.
    const env = { ...process.env, HOME: temp('handoff-native-home-'), npm_config_better_sqlite3_binary_host: 'http://127.0.0.1:9', npm_config_nodedir: '/usr' }
    const run = spawnSync(process.execPath, [scriptFile, '--no-electron-check', '--force', '--root', out, '--dist-url', 'http://127.0.0.1:9/headers'], { encoding: 'utf8', env })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`prebuild-install/bin.js --runtime electron --target ${electronVersion}`)
    expect(run.stderr).toContain(`--target=${electronVersion}`)
    expect(run.stderr).toContain('--dist-url=http://127.0.0.1:9/headers')
    expect(run.stderr).toContain(`Could not get better-sqlite3 for Electron ${electronVersion}`)
    expect(run.stderr).toContain('node_modules/better-sqlite3 was not changed')
    // npm's nodedir must not reach node-gyp, or it would build against Node's headers.
    expect(run.stderr).not.toMatch(/nodedir|\/usr\/include\/node/)
    expect(existsSync(electronNativePath(out, electronVersion, process.platform, process.arch))).toBe(false)

    expect(sha(nodeBuild)).toBe(before)
    const db = new Database(':memory:')
    expect(db.prepare('select sqlite_version() as v').get()).toMatchObject({ v: expect.any(String) })
    db.close()
  }, 120_000)
})
