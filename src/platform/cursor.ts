import { invalid } from './errors';

/**
 * Opaque page cursors over a sequence column: `tag:seq` in base64url. The tag keeps a cursor of
 * one list from being taken for another's; a cursor the service did not issue is a 400.
 */
export function seqCursor(tag: string) {
  const shape = new RegExp(`^${tag}:(\\d{1,15})$`);
  return {
    encode: (seq: number) => Buffer.from(`${tag}:${seq}`).toString('base64url'),
    decode(cursor: string): number {
      const m = shape.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!m) throw invalid('/cursor', 'is not a cursor this service issued', 'query');
      return Number(m[1]);
    },
  };
}
