/**
 * The layer report (npm run layers, scripts/layers.ts): which folder a file counts in, which
 * imports are type-only, cycles, and the layer rules it shares with the lint
 * (scripts/layer-rules.mjs) over small made-up graphs; then the report over the repository itself.
 */
import { describe, expect, it } from 'vitest'
import { layerZones } from '../../scripts/layer-rules.mjs'
import { breachesOf, cyclesOf, folderOf, formatReport, layerReport, lineCount, readRepository, specifiersOf, type FileImport } from '../../scripts/layers'

const graphOf = (edges: Record<string, Array<string | FileImport>>) =>
  new Map(Object.entries(edges).map(([file, imports]) => [file, imports.map((i) => (typeof i === 'string' ? { file: i, runtime: true } : i))]))

describe('folderOf', () => {
  it('counts a file in the second level of src/, or in its room when it sits at the top', () => {
    expect(folderOf('src/core/items/store.ts')).toBe('src/core/items')
    expect(folderOf('src/core/infra/migrations/001-first.ts')).toBe('src/core/infra')
    expect(folderOf('src/core/core.ts')).toBe('src/core')
    expect(folderOf('src/main/index.ts')).toBe('src/main')
    expect(folderOf('src/renderer/src/features/inbox/Inbox.tsx')).toBe('src/renderer/src/features')
    expect(folderOf('src/renderer/src/App.tsx')).toBe('src/renderer/src')
  })
})

describe('specifiersOf', () => {
  it('tells imports needed at run time from those of types only', () => {
    const code = [
      "import { a } from './a'",
      "import type { B } from './b'",
      "import { type C } from './c'",
      "import d, { type D } from './d'",
      "import './e'",
      "export { f } from './f'",
      "export type { G } from './g'",
      "export * from './h'",
      "const i = await import('./i')",
      "type J = typeof import('./j')"
    ].join('\n')
    expect(specifiersOf('x.ts', code)).toEqual([
      { specifier: './a', runtime: true },
      { specifier: './b', runtime: false },
      { specifier: './c', runtime: false },
      { specifier: './d', runtime: true },
      { specifier: './e', runtime: true },
      { specifier: './f', runtime: true },
      { specifier: './g', runtime: false },
      { specifier: './h', runtime: true },
      { specifier: './i', runtime: true },
      { specifier: './j', runtime: false }
    ])
  })
})

describe('lineCount', () => {
  it('counts lines with or without a final newline', () => {
    expect(lineCount('')).toBe(0)
    expect(lineCount('a\nb\n')).toBe(2)
    expect(lineCount('a\nb')).toBe(2)
  })
})

describe('cyclesOf', () => {
  it('finds each cycle once, whatever its length, and nothing in a chain', () => {
    const edges = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', ['e']],
      ['e', ['d']],
      ['f', ['a']]
    ])
    expect(cyclesOf(edges)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e']
    ])
    expect(cyclesOf(new Map([['a', ['b']], ['b', ['c']]]))).toEqual([])
  })
})

describe('breachesOf with the lint layer rules', () => {
  const rulesFor = (from: string, to: string) => breachesOf(graphOf({ [from]: [to] }), layerZones).map((b) => b.rule)

  it('keeps infra/ the floor of the core', () => {
    expect(rulesFor('src/core/infra/outbox.ts', 'src/core/items/store.ts')).toEqual(['src/core/infra is the floor of the core: it imports no capability folder and nothing above.'])
    expect(rulesFor('src/core/infra/migrations/001-first.ts', 'src/core/mutate.ts')).toHaveLength(1)
    expect(rulesFor('src/core/infra/outbox.ts', 'src/core/infra/statements.ts')).toEqual([])
  })
  it('keeps capability folders below every file at the top of src/core and the worker, and lets top-level files combine them', () => {
    expect(rulesFor('src/core/items/store.ts', 'src/core/core.ts')).toHaveLength(1)
    expect(rulesFor('src/core/canned-replies/handlers.ts', 'src/core/handlers.ts')).toHaveLength(1)
    expect(rulesFor('src/core/items/store.ts', 'src/core/worker/protocol.ts')).toHaveLength(2)
    expect(rulesFor('src/core/items/handlers.ts', 'src/core/handler-context.ts')).toHaveLength(1)
    expect(rulesFor('src/core/sync/apply-pull.ts', 'src/core/mutations/changes.ts')).toEqual([])
    expect(rulesFor('src/core/items/store.ts', 'src/core/search/search-index.ts')).toEqual([])
    expect(rulesFor('src/core/handlers.ts', 'src/core/items/handlers.ts')).toEqual([])
    expect(rulesFor('src/core/handlers.ts', 'src/core/worker/protocol.ts')).toEqual(['src/core/worker is the top of the core: nothing else in the core imports it.'])
    expect(rulesFor('src/core/worker/entry.ts', 'src/core/core.ts')).toEqual([])
  })
  it('keeps the renderer in floors: api < state < commands < components < features < the top files', () => {
    expect(rulesFor('src/renderer/src/state/team-figures.ts', 'src/renderer/src/features/supervisor/range.ts')).toHaveLength(1)
    expect(rulesFor('src/renderer/src/features/item/ItemPane.tsx', 'src/renderer/src/App.tsx')).toHaveLength(1)
    expect(rulesFor('src/renderer/src/components/Dialog.tsx', 'src/renderer/src/features/layout/Screens.tsx')).toHaveLength(1)
    expect(rulesFor('src/renderer/src/commands/commands.ts', 'src/renderer/src/components/Dialog.tsx')).toHaveLength(1)
    expect(rulesFor('src/renderer/src/api/client.ts', 'src/renderer/src/state/ui.ts')).toHaveLength(1)
    expect(rulesFor('src/renderer/src/features/item/ItemPane.tsx', 'src/renderer/src/commands/commands.ts')).toEqual([])
    expect(rulesFor('src/renderer/src/components/Dialog.tsx', 'src/renderer/src/state/ui.ts')).toEqual([])
    expect(rulesFor('src/renderer/src/App.tsx', 'src/renderer/src/features/layout/Screens.tsx')).toEqual([])
  })

  it('keeps the rooms apart: shared < core < main, preload, renderer and server on shared only', () => {
    expect(rulesFor('src/shared/domain/sla.ts', 'src/core/infra/rows.ts')).toEqual(['src/shared may import only itself (docs/architecture.md).'])
    expect(rulesFor('src/core/items/store.ts', 'src/main/index.ts')).toHaveLength(1)
    expect(rulesFor('src/main/index.ts', 'src/core/worker/host.ts')).toEqual([])
    expect(rulesFor('src/renderer/src/App.tsx', 'src/preload/api.ts')).toEqual(['src/renderer may import only src/shared (docs/architecture.md).'])
    expect(rulesFor('src/preload/index.ts', 'src/core/core.ts')).toHaveLength(1)
    expect(rulesFor('src/server/store/index.ts', 'src/core/infra/database.ts')).toEqual(['src/server may import only src/shared (docs/architecture.md).'])
    expect(rulesFor('src/server/store/index.ts', 'src/shared/mutations/index.ts')).toEqual([])
  })
})

describe('layerReport', () => {
  it('sums lines per folder, merges edges, marks type-only ones, and finds folder cycles that are no file cycles', () => {
    const graph = graphOf({
      'src/core/sync/pull.ts': ['src/core/figures/personal.ts', { file: 'src/shared/domain/a.ts', runtime: false }],
      'src/core/figures/team.ts': ['src/core/sync/client.ts'],
      'src/core/figures/personal.ts': [],
      'src/core/sync/client.ts': [],
      'src/shared/domain/a.ts': []
    })
    const report = layerReport(graph, layerZones, () => 10)
    expect(report.folders).toEqual([
      { folder: 'src/core/figures', files: 2, lines: 20, imports: [{ folder: 'src/core/sync', imports: 1, runtime: true }] },
      {
        folder: 'src/core/sync',
        files: 2,
        lines: 20,
        imports: [
          { folder: 'src/core/figures', imports: 1, runtime: true },
          { folder: 'src/shared/domain', imports: 1, runtime: false }
        ]
      },
      { folder: 'src/shared/domain', files: 1, lines: 10, imports: [] }
    ])
    expect(report.fileCycles).toEqual([])
    expect(report.folderCycles).toEqual([['src/core/figures', 'src/core/sync']])
    expect(formatReport(report)).toMatch(/^src\/core\/sync +20 lines {2}src\/core\/figures, src\/shared\/domain \(types\)$/m)
  })
})

describe('the repository', () => {
  it('has no import against the layers and no cycle between files', () => {
    const report = layerReport(readRepository(), layerZones, () => 1)
    expect(report.folders.map((f) => f.folder)).toEqual(expect.arrayContaining(['src/core/infra', 'src/core/items', 'src/core/worker', 'src/shared/domain', 'src/server/store']))
    expect(report.breaches).toEqual([])
    expect(report.fileCycles).toEqual([])
  })
})
