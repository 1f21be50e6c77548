/**
 * Where the Electron build of better-sqlite3 lives. node_modules/better-sqlite3/build holds the
 * build for Node (tests, harness, bench); scripts/electron-native.mjs puts the one for Electron's
 * ABI here, and main hands it to the core as `nativeBinding`. See docs/native-modules.md.
 *
 * scripts/electron-native.mjs carries a copy of this function (it runs before any build);
 * test/main/native.test.ts checks the two agree.
 */
import { join } from 'node:path'

export function electronNativePath(root: string, electronVersion: string, platform: string, arch: string): string {
  return join(root, '.native', `electron-${electronVersion}-${platform}-${arch}`, 'better_sqlite3.node')
}

/**
 * The `nativeBinding` the core should load: the Electron build when running under Electron,
 * nothing (better-sqlite3's own Node build) under plain Node.
 */
export function nativeBindingFor(appRoot: string, versions: NodeJS.ProcessVersions, platform: string, arch: string): string | undefined {
  const electron = versions.electron
  return electron ? electronNativePath(appRoot, electron, platform, arch) : undefined
}
