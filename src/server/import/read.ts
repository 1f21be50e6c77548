/**
 * Streams a CSV file (csv-parse: RFC 4180, quoted line breaks) into records with the file line
 * each starts on, as an editor counts lines (only "\n" ends a line: a stray "\r" inside a field,
 * as in the Twitter export, is text). Reports bytes read for the progress bar.
 */
import { createReadStream, statSync } from 'node:fs'
import { CsvError, parse } from 'csv-parse'
import { ImportError } from './errors'

export interface CsvRecord {
  /** The 1-based line of the file where the record starts. */
  line: number
  cells: string[]
}

export interface CsvFile {
  header: string[]
  /** Size in bytes (for the progress bar). */
  bytes: number
  records: AsyncGenerator<CsvRecord>
  /** Stops reading and closes the file (when the records will not be read to the end). */
  close(): void
}

const countNewlines = (s: string): number => {
  let n = 0
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++
  return n
}

/** Opens the file and reads its header; throws ImportError('unreadable_file' | 'bad_csv'). */
export async function openCsv(path: string, onBytes: (bytesRead: number) => void = () => {}): Promise<CsvFile> {
  let bytes: number
  try {
    const st = statSync(path)
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
    bytes = st.size
  } catch (e) {
    throw new ImportError('unreadable_file', [{ message: `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }])
  }
  const stream = createReadStream(path)
  let read = 0
  stream.on('data', (chunk) => {
    read += chunk.length
    onBytes(read)
  })
  const parser = stream.pipe(parse({ bom: true, raw: true, relax_column_count: true, skip_empty_lines: false }))
  stream.on('error', (e) => parser.destroy(e))
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; raw: string }>

  let line = 1
  const next = async (): Promise<{ record: string[]; raw: string; line: number } | null> => {
    try {
      const r = await it.next()
      if (r.done) return null
      const at = line
      line += countNewlines(r.value.raw)
      return { ...r.value, line: at }
    } catch (e) {
      if (e instanceof CsvError) {
        const lines = typeof e.lines === 'number' ? e.lines : undefined
        throw new ImportError('bad_csv', [{ ...(lines !== undefined ? { line: lines } : {}), message: e.message }])
      }
      throw new ImportError('unreadable_file', [{ message: `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }])
    }
  }

  const first = await next()
  if (!first) throw new ImportError('bad_csv', [{ line: 1, message: 'The file is empty: it needs a header line naming its columns.' }])
  const header = first.record.map((h) => h.trim())

  async function* records(): AsyncGenerator<CsvRecord> {
    try {
      for (;;) {
        const r = await next()
        if (!r) return
        // An empty line (one empty field) is no record.
        if (r.record.length === 1 && r.record[0] === '') continue
        yield { line: r.line, cells: r.record }
      }
    } finally {
      stream.destroy()
    }
  }
  return { header, bytes, records: records(), close: () => stream.destroy() }
}
