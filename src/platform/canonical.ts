import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown, options: { sortArrays?: boolean } = {}): string {
  return write(value, options.sortArrays === true) ?? 'null';
}

function write(value: unknown, sortArrays: boolean): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        const items = value.map((v) => write(v, sortArrays) ?? 'null');
        // Sets: the same members in any order give the same text.
        if (sortArrays) items.sort();
        return `[${items.join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const key of Object.keys(obj).sort()) {
        const v = write(obj[key], sortArrays);
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + v;
        first = false;
      }
      return out + '}';
    }
    default:
      return undefined;
  }
}

export function sha256(text: string): string {
  return 'sha256:' + createHash('sha256').update(text).digest('hex');
}

export function canonicalHash(value: unknown): string {
  return sha256(canonicalJson(value));
}
