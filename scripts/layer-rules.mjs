/**
 * The layers of src/: the server's packages, and the folder layers as zones of
 * import-x/no-restricted-paths (paths from the repository root; `target` files may not import
 * `from` paths, but for `except`). One definition for the lint (eslint.config.js), the layer
 * report (npm run layers, scripts/layers.ts) and the desktop bundle check (scripts/desktop-bundle.ts).
 */

/** The sync server's own packages: no desktop room imports them, and the desktop app does not depend on them. */
export const serverPackages = ['fastify', 'pg', '@electric-sql/pglite']

/** Each room of src/ and the rooms it may import: shared < core < main; preload, renderer and server stand on shared only. */
export const rooms = { shared: [], core: ['shared'], main: ['shared', 'core'], preload: ['shared'], renderer: ['shared'], server: ['shared'] }

const roomZones = Object.entries(rooms).map(([room, allowed]) => ({
  target: `src/${room}`,
  from: Object.keys(rooms)
    .filter((other) => other !== room && !allowed.includes(other))
    .map((other) => `src/${other}`),
  message: `src/${room} may import only ${allowed.length === 0 ? 'itself' : allowed.map((r) => `src/${r}`).join(' and ')} (docs/architecture.md).`
}))

/**
 * The floors inside src/core: infra/ stands on nothing else in the core; a capability folder (any
 * folder but infra/ and worker/, so a new one is covered) never imports the files that combine the
 * capabilities (core.ts, handlers.ts) nor the worker; worker/ is the top, imported by nothing else
 * in the core. Top-level files of src/core may import the capabilities.
 */
const coreZones = [
  { target: 'src/core/infra', from: 'src/core', except: ['./infra'], message: 'src/core/infra is the floor of the core: it imports no capability folder and nothing above.' },
  {
    target: 'src/core/!(infra|worker)/**',
    from: ['src/core/*.ts', 'src/core/worker/**'],
    message: 'A capability folder of src/core does not import the files at the top of src/core (core.ts, handlers.ts, ...) or worker/: they combine the capabilities.'
  },
  { target: ['src/core/*.ts', 'src/core/!(worker)/**'], from: 'src/core/worker', message: 'src/core/worker is the top of the core: nothing else in the core imports it.' }
]

/**
 * The floors of the renderer, lowest first: api/ (the contract client), state/ (zustand slices),
 * commands/ (what the palette and shortcuts run), components/ (shared widgets), features/
 * (screens), then the files at the top (App.tsx, main.tsx). A floor imports only floors below it.
 */
const RENDERER_FLOORS = ['api', 'state', 'commands', 'components', 'features']
const rendererZones = RENDERER_FLOORS.map((floor, i) => ({
  target: `src/renderer/src/${floor}`,
  from: [...RENDERER_FLOORS.slice(i + 1).map((above) => `src/renderer/src/${above}/**`), 'src/renderer/src/*.tsx', 'src/renderer/src/*.ts'],
  message: `src/renderer/src/${floor} imports only the renderer floors below it (${RENDERER_FLOORS.slice(0, i).join(', ') || 'none'}; docs/architecture.md).`
}))

export const layerZones = [...roomZones, ...coreZones, ...rendererZones]
