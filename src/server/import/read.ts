/**
 * Streams a CSV file (csv-parse: RFC 4180, quoted line breaks) into records with the file line
 * each starts on, as an editor counts lines ("\n" or "\r\n" ends a line: a stray "\r" inside a field,
 * as in the Twitter export, is text). Reports bytes read for the progress bar.
 */
import { createReadStream, statSync } from 'node:fs'
import { CsvError, parse, type Options } from 'csv-parse'
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

/**
 * The longest record read, in characters (a row with a body at its 20,000-character limit and
 * every other field full is far below it). Without a limit, one unclosed quote makes the rest of
 * the file a single field held in memory: a 200 MB file peaked at 1.65 GB.
 */
export const MAX_RECORD_CHARS = 1_000_000

/** Lines the record's raw text spans: its line breaks, and the one that ends it. */
const linesOf = (raw: string): number =>
  // csv-parse's raw text of a record ended by CRLF keeps only the "\r" of its ending (7.0.3): that
  // "\r" is the line break; counting "\n" alone made every record of a CRLF file line 1 or 2.
  countNewlines(raw) + (raw.endsWith('\r') ? 1 : 0)

export interface OpenCsvOptions {
  onBytes?: (bytesRead: number) => void
  /** The longest record accepted, in characters (default MAX_RECORD_CHARS); longer is a bad_csv error. */
  maxRecordChars?: number
}

/** Opens the file and reads its header; throws ImportError('unreadable_file' | 'bad_csv'). */
export async function openCsv(path: string, options: OpenCsvOptions = {}): Promise<CsvFile> {
  const onBytes = options.onBytes ?? (() => {})
  const maxRecordChars = options.maxRecordChars ?? MAX_RECORD_CHARS
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
  // Lines are counted as the parser makes each record (on_record), not as they are read: a parse
  // error ends the stream at once, dropping records parsed but not yet read, so `parsedLine` is
  // the only count that reaches the record that failed.
  let parsedLine = 1
  type Parsed = { record: string[]; raw: string }
  const parser = stream.pipe(
    parse({
      bom: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: false,
      max_record_size: maxRecordChars,
      // With raw: true the parser hands on_record { record, raw }, which its types do not say.
      on_record: ((r: Parsed) => {
        const line = parsedLine
        parsedLine += linesOf(r.raw)
        return { ...r, line }
      }) as unknown as Options['on_record']
    })
  )
  stream.on('error', (e) => parser.destroy(e))
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; raw: string; line: number }>

  const next = async (): Promise<{ record: string[]; raw: string; line: number } | null> => {
    try {
      const r = await it.next()
      return r.done ? null : r.value
    } catch (e) {
      if (e instanceof CsvError && e.code === 'CSV_MAX_RECORD_SIZE') {
        const line = parsedLine // where the runaway record starts: usually an unclosed quote there
        throw new ImportError('bad_csv', [
          {
            line,
            message:
              `The record starting here is longer than ${maxRecordChars.toLocaleString('en-US')} characters: ` +
              'most likely a quote (") that is never closed, which makes the rest of the file one field.'
          }
        ])
      }
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
