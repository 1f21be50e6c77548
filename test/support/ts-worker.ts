import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * A worker entry that runs a TypeScript worker file from source (the app runs the built .js).
 * Node 20 ignores `--import tsx` in a worker's execArgv, so the worker registers tsx itself,
 * then imports the file.
 */
export function tsWorkerUrl(file: URL): URL {
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'))
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href
  const code = `import { register } from ${JSON.stringify(api)}\nregister()\nawait import(${JSON.stringify(file.href)})\n`
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`)
}
