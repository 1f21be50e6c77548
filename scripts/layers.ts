/**
 * npm run layers [-- --json] — the layer report: each folder of src/ (two levels: src/core/items,
 * src/shared/domain, src/server/store; a room's own top-level files count as the room, and the
 * renderer's folders are those of src/renderer/src) with its line count and the folders it
 * imports; then any import against the layer rules (scripts/layer-rules.mjs, the ones the lint
 * enforces), any import cycle between files (runtime imports only, as the lint's no-cycle) and any
 * cycle between folders (all imports, type-only ones included).
 *
 * Exits 1 if an import breaks a layer rule or files form a cycle; folder cycles are reported only.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Minimatch } from 'minimatch'
import ts from 'typescript'
import { layerZones, type LayerZone } from './layer-rules.mjs'

export interface FileImport {
  /** The imported file, from the repository root. */
  file: string
  /** False when only types are imported: erased at build, so no runtime edge. */
  runtime: boolean
}

export interface FolderImport {
  folder: string
  /** How many file-to-file imports make this edge. */
  imports: number
  /** False when every one of them imports only types. */
  runtime: boolean
}

export interface FolderReport {
  folder: string
  files: number
  lines: number
  imports: FolderImport[]
}

export interface LayerBreach {
  file: string
  imports: string
  rule: string
}

export interface LayerReport {
  folders: FolderReport[]
  breaches: LayerBreach[]
  fileCycles: string[][]
  folderCycles: string[][]
}

const root = fileURLToPath(new URL('..', import.meta.url))
const compilerOptions: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, resolveJsonModule: true, allowJs: true }

/** The folder a file of src/ counts in (see the header). */
export function folderOf(file: string): string {
  const parts = file.split('/')
  const base = parts[1] === 'renderer' && parts[2] === 'src' ? 3 : 2
  return parts.length > base + 1 ? parts.slice(0, base + 1).join('/') : parts.slice(0, base).join('/')
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause
  if (clause === undefined) return false
  if (clause.isTypeOnly) return true
  const named = clause.namedBindings
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true
  const clause = node.exportClause
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)
}

/** Every module a source file names, with whether it needs it at run time. */
export function specifiersOf(fileName: string, code: string): Array<{ specifier: string; runtime: boolean }> {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
  const found: Array<{ specifier: string; runtime: boolean }> = []
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, runtime: !isTypeOnlyImport(node) })
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, runtime: !isTypeOnlyExport(node) })
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments
      if (arg !== undefined && ts.isStringLiteralLike(arg)) found.push({ specifier: arg.text, runtime: true })
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, runtime: false })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The import graph of src/: each file's imports of other files of the repository (packages left out). */
export function readRepository(): Map<string, FileImport[]> {
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.tsx?$/.test(name) && !name.split(sep).includes('node_modules'))
    .map((name) => `src/${name.split(sep).join('/')}`)
    .sort()
  const graph = new Map<string, FileImport[]>()
  for (const file of files) {
    const absolute = join(root, file)
    const imports: FileImport[] = []
    for (const { specifier, runtime } of specifiersOf(file, readFileSync(absolute, 'utf8'))) {
      const resolved = ts.resolveModuleName(specifier, absolute, compilerOptions, ts.sys).resolvedModule
      if (resolved === undefined || resolved.isExternalLibraryImport === true) continue
      const target = relative(root, resolved.resolvedFileName).split(sep).join('/')
      if (!target.startsWith('..')) imports.push({ file: target, runtime })
    }
    graph.set(file, imports)
  }
  return graph
}

/** Strongly connected components with more than one node (Tarjan), each sorted; in a stable order. */
export function cyclesOf(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const connect = (node: string): void => {
    index.set(node, counter)
    low.set(node, counter)
    counter += 1
    stack.push(node)
    onStack.add(node)
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next)
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0))
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0))
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = []
      for (let top = stack.pop(); top !== undefined; top = top === node ? undefined : stack.pop()) {
        onStack.delete(top)
        component.push(top)
      }
      if (component.length > 1) cycles.push(component.sort())
    }
  }
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) connect(node)
  return cycles.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''))
}

const within = (file: string, dir: string) => {
  const rel = relative(dir, file)
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep))
}

/** A path of a zone as a test over absolute file paths, as import-x/no-restricted-paths reads it (a glob, or a file or folder). */
function pathTest(path: string): (file: string) => boolean {
  const absolute = resolve(root, path)
  const glob = new Minimatch(absolute)
  return glob.hasMagic() ? (file) => glob.match(file) : (file) => within(file, absolute)
}

/** The imports that break a layer rule. */
export function breachesOf(graph: ReadonlyMap<string, readonly FileImport[]>, zones: readonly LayerZone[]): LayerBreach[] {
  const rules = zones.map((zone) => {
    const froms = [zone.from].flat()
    return {
      targets: [zone.target].flat().map(pathTest),
      from: froms.map(pathTest),
      except: (zone.except ?? []).flatMap((e) => froms.map((from) => pathTest(join(from, e)))),
      message: zone.message
    }
  })
  const breaches: LayerBreach[] = []
  for (const [file, imports] of graph) {
    const abs = join(root, file)
    for (const rule of rules.filter((r) => r.targets.some((t) => t(abs)))) {
      for (const imported of imports) {
        const to = join(root, imported.file)
        if (rule.from.some((t) => t(to)) && !rule.except.some((t) => t(to))) breaches.push({ file, imports: imported.file, rule: rule.message })
      }
    }
  }
  return breaches
}

export function layerReport(graph: ReadonlyMap<string, readonly FileImport[]>, zones: readonly LayerZone[], lines: (file: string) => number): LayerReport {
  const folders = new Map<string, { files: number; lines: number; imports: Map<string, FolderImport> }>()
  for (const [file, imports] of graph) {
    const name = folderOf(file)
    const folder = folders.get(name) ?? { files: 0, lines: 0, imports: new Map<string, FolderImport>() }
    folders.set(name, folder)
    folder.files += 1
    folder.lines += lines(file)
    for (const imported of imports) {
      const to = folderOf(imported.file)
      if (to === name) continue
      const edge = folder.imports.get(to) ?? { folder: to, imports: 0, runtime: false }
      folder.imports.set(to, { folder: to, imports: edge.imports + 1, runtime: edge.runtime || imported.runtime })
    }
  }
  const runtimeEdges = new Map([...graph].map(([file, imports]) => [file, imports.filter((i) => i.runtime).map((i) => i.file)]))
  const folderEdges = new Map([...folders].map(([name, f]) => [name, [...f.imports.keys()]]))
  return {
    folders: [...folders]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([folder, f]) => ({ folder, files: f.files, lines: f.lines, imports: [...f.imports.values()].sort((a, b) => a.folder.localeCompare(b.folder)) })),
    breaches: breachesOf(graph, zones),
    fileCycles: cyclesOf(runtimeEdges),
    folderCycles: cyclesOf(folderEdges)
  }
}

export function lineCount(text: string): number {
  if (text === '') return 0
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
}

export function formatReport(report: LayerReport): string {
  const width = Math.max(...report.folders.map((f) => f.folder.length))
  const out: string[] = []
  for (const f of report.folders) {
    const imports = f.imports.map((i) => (i.runtime ? i.folder : `${i.folder} (types)`)).join(', ')
    out.push(`${f.folder.padEnd(width)} ${String(f.lines).padStart(6)} lines  ${imports === '' ? '-' : imports}`)
  }
  const total = report.folders.reduce((n, f) => n + f.lines, 0)
  out.push(`${'total'.padEnd(width)} ${String(total).padStart(6)} lines in ${report.folders.length} folders`, '')
  out.push(report.breaches.length === 0 ? 'Imports against the layers: none.' : `Imports against the layers: ${report.breaches.length}`)
  for (const b of report.breaches) out.push(`  ${b.file} -> ${b.imports}: ${b.rule}`)
  out.push(report.fileCycles.length === 0 ? 'Import cycles between files: none.' : `Import cycles between files: ${report.fileCycles.length}`)
  for (const c of report.fileCycles) out.push(`  ${c.join(' <-> ')}`)
  out.push(report.folderCycles.length === 0 ? 'Cycles between folders: none.' : `Cycles between folders: ${report.folderCycles.length}`)
  for (const c of report.folderCycles) out.push(`  ${c.join(' <-> ')}`)
  return `${out.join('\n')}\n`
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = layerReport(readRepository(), layerZones, (file) => lineCount(readFileSync(join(root, file), 'utf8')))
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report))
  if (report.breaches.length > 0 || report.fileCycles.length > 0 || report.folderCycles.length > 0) process.exitCode = 1
}
