import type { FastifyInstance } from 'fastify';
import { AppError } from './errors';

/**
 * Text the database cannot keep as it was sent: NUL (PostgreSQL text and jsonb refuse it) and
 * UTF-16 surrogates without their pair (not Unicode scalar values: jsonb refuses the escape, a
 * text column would keep U+FFFD instead). Such text is refused with a 400 naming the field, so
 * it never reaches the database and nothing changes.
 */
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL or unpaired surrogate characters';

export const isUnsafeText = (s: string): boolean => UNSAFE.test(s);

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** The JSON pointer of the first string or member name holding unsafe text, or null. */
export function unsafeTextPointer(value: unknown, pointer = ''): string | null {
  if (typeof value === 'string') return isUnsafeText(value) ? pointer || '/' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unsafeTextPointer(value[i], `${pointer}/${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const here = `${pointer}/${escapePointer(k)}`;
      if (isUnsafeText(k)) return here;
      const found = unsafeTextPointer(v, here);
      if (found) return found;
    }
  }
  return null;
}
const UNSAFE_GLOBAL = new RegExp(UNSAFE.source, 'g');

/** A field name fit to be echoed in an error (the bad characters shown as U+FFFD). */
export const printable = (s: string): string => s.replace(UNSAFE_GLOBAL, '\uFFFD');

/**
 * Checks a raw query string the way a strict reader would: every `%` starts an escape of two hex
 * digits, the escapes decode to UTF-8, and no name or value holds unsafe text. Returns the first
 * bad parameter's name and what is wrong, or null.
 */
export function queryProblem(raw: string): { field: string; message: string } | null {
  if (!raw) return null;
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      return { field: printable(safeDecode(rawName)), message: 'is not valid percent-encoded UTF-8' };
    }
    if (isUnsafeText(name)) return { field: printable(name), message: UNSAFE_TEXT_MESSAGE };
    let value: string;
    try {
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      return { field: name, message: 'is not valid percent-encoded UTF-8' };
    }
    if (isUnsafeText(value)) return { field: name, message: UNSAFE_TEXT_MESSAGE };
  }
  return null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Every request's query string is checked before anything reads it (fastify's own parser keeps a
 * malformed escape as it is and turns %00 into NUL): a bad one is a 400 naming the parameter.
 * Bodies, path parameters and parsed queries are checked for unsafe text by the validator
 * (see `guardText`).
 */
export function registerQueryGuard(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const q = request.url.indexOf('?');
    if (q < 0) return done();
    const problem = queryProblem(request.url.slice(q + 1));
    if (!problem) return done();
    done(new AppError(400, 'validation', 'Request validation failed', `${problem.field} ${problem.message}`, [{ in: 'query', field: problem.field, message: problem.message }]));
  });
}

type Validation = { instancePath: string; keyword: string; message: string; params: Record<string, unknown>; schemaPath: string };

/** Wraps a compiled validator so that unsafe text anywhere in the data fails validation, naming where. */
export function guardText(validate: (data: unknown) => { value?: unknown; error?: Error }): (data: unknown) => { value?: unknown; error?: Error } {
  return (data) => {
    const pointer = unsafeTextPointer(data);
    if (pointer) {
      const validation: Validation[] = [{ instancePath: pointer === '/' ? '' : printable(pointer), keyword: 'unsafeText', message: UNSAFE_TEXT_MESSAGE, params: {}, schemaPath: '#' }];
      return { error: Object.assign(new Error('validation failed'), { validation }) };
    }
    return validate(data);
  };
}
