import { Readable } from 'node:stream';

/**
 * Streamed exports: rows are read in keyset batches and each batch is written to the response
 * as it comes, so an export never holds the whole table in memory (nor one long transaction).
 */
export const exportOptions = { batchSize: 500 };

/**
 * One field of RFC 4180 CSV: quoted when it holds a comma, a quote, CR or LF; quotes doubled.
 * Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR: names are
 * chosen by vendors) gets a leading apostrophe, as OWASP advises against CSV injection.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF line break. */
export const csvRow = (values: unknown[]): string => `${values.map(csvField).join(',')}\r\n`;

/** Pages through a keyset: `fetch(after, limit)` returns the next rows after the key `after` (null: from the start). */
export async function* keyset<T, K>(fetch: (after: K | null, limit: number) => Promise<T[]>, keyOf: (row: T) => K, batchSize = exportOptions.batchSize): AsyncGenerator<T[]> {
  let after: K | null = null;
  for (;;) {
    const rows = await fetch(after, batchSize);
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    after = keyOf(rows[rows.length - 1]);
  }
}

/** CSV: a header row, then one record per row, one chunk per batch. */
export function csvStream<T>(header: string[], batches: AsyncIterable<T[]>, toRow: (row: T) => unknown[]): Readable {
  async function* chunks() {
    yield Buffer.from(csvRow(header), 'utf8');
    for await (const rows of batches) yield Buffer.from(rows.map((r) => csvRow(toRow(r))).join(''), 'utf8');
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** A JSON array, one chunk per batch. */
export function jsonArrayStream<T>(batches: AsyncIterable<T[]>, toItem: (row: T) => unknown): Readable {
  async function* chunks() {
    let first = true;
    yield Buffer.from('[');
    for await (const rows of batches) {
      const text = rows.map((r) => JSON.stringify(toItem(r))).join(',');
      yield Buffer.from((first ? '' : ',') + text, 'utf8');
      first = false;
    }
    yield Buffer.from(']');
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** `attachment; filename=…` with an ASCII fallback and the RFC 6266 UTF-8 form. */
export function attachment(filename: string): string {
  return `attachment; filename="${filename.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
