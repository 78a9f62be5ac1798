import { isUtf8 } from 'node:buffer';
import { fromBuffer } from 'file-type';
import { AppError } from '../platform/errors';

/** Types recognised only as text: no magic number, so they must be UTF-8 without NUL (JSON must parse). */
const TEXT_TYPES = new Set(['text/plain', 'text/csv', 'application/json']);

/**
 * What the document's bytes are, checked against the type the caller declared: a recognised
 * binary format (file-type reads its magic number) must be the declared type exactly, and a
 * document with no recognised format must be a text type and read as UTF-8 text. A Windows
 * executable sent as `application/pdf`, or a PNG sent as `text/plain`, is 415; an empty document
 * is 400. Returns the type to store.
 */
export async function checkContent(declared: string, content: Buffer): Promise<string> {
  if (content.length === 0) {
    throw new AppError(400, 'validation', 'Request validation failed', 'The document is empty (0 bytes)', [{ in: 'body', field: '/file', message: 'is empty' }]);
  }
  const detected = await fromBuffer(content);
  if (detected) {
    if (detected.mime !== declared) throw mismatch(declared, `${detected.mime} (.${detected.ext})`);
    return declared;
  }
  const text = TEXT_TYPES.has(declared) || declared.startsWith('text/');
  if (!text) throw mismatch(declared, 'no recognisable format');
  if (content.includes(0) || !isUtf8(content)) throw mismatch(declared, 'binary data, not UTF-8 text');
  if (declared === 'application/json') {
    try {
      JSON.parse(content.toString('utf8'));
    } catch {
      throw mismatch(declared, 'text that is not JSON');
    }
  }
  return declared;
}

function mismatch(declared: string, found: string): AppError {
  return new AppError(415, 'unsupported-media-type', 'Unsupported media type', `The document was declared ${declared} but its content is ${found}`);
}

/**
 * A file name fit to keep and to show: its last path segment, in Unicode NFC, without control
 * characters (C0, DEL, C1), bidirectional embedding, override and isolate marks (which can make
 * `evil‮fdp.exe` read as `evilexe.pdf`), zero-width characters, unpaired surrogates, quotes or
 * backslashes; at most 200 characters; `document` when nothing is left.
 */
export function safeFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"\\]/g, '')
    .trim();
  return Array.from(clean).slice(0, 200).join('') || 'document';
}

/**
 * `Content-Disposition: attachment` for a stored file name (RFC 6266): an ASCII `filename`
 * fallback and the exact name as `filename*` in UTF-8 (RFC 8187, every character outside
 * attr-char percent-encoded).
 */
export function contentDisposition(filename: string): string {
  const name = safeFilename(filename);
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
