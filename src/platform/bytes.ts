/**
 * Writes bytes into one growing buffer: the hot paths (the canonical profile hash, the
 * classification response) write there directly instead of building strings to join, flatten
 * and encode. Not reentrant: each user owns its writer and writes synchronously.
 *
 * Two ways to use it: `begin` then `view` reuses the same bytes every time (scratch for a hash);
 * `begin` then `take` cuts each piece from where the last one ended and never writes it again
 * (a slab for responses, as Node's own pool does for small buffers: no fresh ArrayBuffer per
 * piece, no collections that their accounting brings). When a piece outgrows the buffer, what is
 * written of it moves to a new, larger one; pieces already taken keep the old one alive.
 */
export class ByteWriter {
  private buf: Buffer;
  private start = 0;
  private pos = 0;

  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafeSlow(size);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const written = this.pos - this.start;
    const next = Buffer.allocUnsafeSlow(Math.max(this.size, 2 * (written + n)));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = written;
  }

  /** Starts a new piece; whatever a failed one left behind is overwritten. */
  begin(): void {
    this.pos = this.start;
  }

  /** The piece written so far, still to be written over (scratch use). */
  view(): Buffer {
    return this.buf.subarray(this.start, this.pos);
  }

  /** The piece, handed out for good: the next one starts after it. */
  take(): Buffer {
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos = Math.min((this.pos + 7) & ~7, this.buf.length);
    return out;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Pre-encoded bytes; short ones are copied by a plain loop, which beats a call into the copier. */
  bytes(b: Buffer): void {
    const n = b.length;
    this.room(n);
    const buf = this.buf;
    const at = this.pos;
    if (n <= 32) for (let i = 0; i < n; i++) buf[at + i] = b[i];
    else buf.set(b, at);
    this.pos = at + n;
  }

  /** ASCII text, copied code by code: cheaper than the encoder for short, flat strings. */
  ascii(text: string): void {
    const n = text.length;
    this.room(n);
    const buf = this.buf;
    const at = this.pos;
    for (let k = 0; k < n; k++) buf[at + k] = text.charCodeAt(k);
    this.pos = at + n;
  }

  /** Any text, as UTF-8. */
  utf8(text: string): void {
    this.room(3 * text.length);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /**
   * A string as JSON: printable ASCII that JSON writes as it is (codes, hashes, dates) is copied
   * so; a string with anything JSON escapes, or with non-ASCII text, is written again from its
   * opening quote through JSON.stringify.
   */
  jsonString(value: string): void {
    const n = value.length;
    this.room(n + 2);
    const buf = this.buf;
    const from = this.pos;
    let at = from;
    buf[at++] = 0x22;
    for (let k = 0; k < n; k++) {
      const c = value.charCodeAt(k);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.pos = from;
        this.utf8(JSON.stringify(value));
        return;
      }
      buf[at++] = c;
    }
    buf[at++] = 0x22;
    this.pos = at;
  }
}
