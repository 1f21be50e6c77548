/** Types of scripts/electron-native.mjs, for the tests that import it. */
export function electronNativePath(root: string, electronVersion: string, platform: string, arch: string): string
export function childEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv
export function electronStatus(): { installed: boolean; version: string | null; binary: string | null; dir: string | null }
export function betterSqlite3Package(): { dir: string; version: string }
export function isUpToDate(target: string, betterSqlite3Version: string): boolean
export interface EnsureOptions {
  root?: string
  force?: boolean
  requireElectronBinary?: boolean
  platform?: string
  arch?: string
  env?: NodeJS.ProcessEnv
  distUrl?: string
  log?: (line: string) => void
}
export function ensureElectronNative(options?: EnsureOptions): { status: 'present' | 'built'; path: string; via?: 'prebuild-install' | 'node-gyp' }
export function parseArgs(argv: readonly string[]): Required<Pick<EnsureOptions, 'force' | 'requireElectronBinary' | 'root'>> & Pick<EnsureOptions, 'distUrl'>
