/**
 * The embedded database's own thread: runs PGlite in a worker thread and serves it over the
 * PostgreSQL wire protocol on a Unix socket, so the service (and the admin command line) reach it
 * with the same `pg` driver as a real PostgreSQL, and a long query never blocks the event loop
 * that answers HTTP.
 *
 * PGlite is one backend: one session for every connection. A connection therefore owns the
 * backend from its first message until the backend is idle again outside a transaction block —
 * after a Sync (extended protocol) or a simple Query with no transaction open. Other connections'
 * messages wait their turn (first come, first served). Interleaving at message granularity, as a
 * plain relay would, mixes one client's Parse/Bind/Execute with another's and lets a second
 * connection's statements run inside the first one's transaction. A connection that goes away
 * while it owns the backend has its transaction rolled back before the next one is served.
 *
 * Started by `startEmbedded` (embedded.ts) with `workerData: HostOptions`; it posts
 * `{ type: 'ready' }` or `{ type: 'error', message }`, and closes on `{ type: 'close' }`.
 */
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

export type HostOptions = {
  /** A persistent data directory (the service). */
  dataDir?: string;
  /** A dump (`dumpDataDir` tarball) to start from: in memory, or into a new `dataDir` (tests). */
  loadDataDir?: string;
  /** The Unix socket to listen on. */
  socketPath: string;
};

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

type Conn = { id: number; socket: Socket; buffer: Buffer; messages: Buffer[]; closed: boolean };

export async function host(options: HostOptions, post: (message: unknown) => void): Promise<() => Promise<void>> {
  const fresh = !options.dataDir || !existsSync(join(options.dataDir, 'PG_VERSION'));
  const db = new PGlite({
    dataDir: options.dataDir,
    ...(options.loadDataDir && fresh ? { loadDataDir: new Blob([readFileSync(options.loadDataDir)]) } : {}),
  });
  await db.waitReady;

  let owner: Conn | null = null;
  /** The owner is part-way through an extended-protocol exchange (a message since its last Sync). */
  let midExchange = false;
  const waiting: Conn[] = [];
  const conns = new Set<Conn>();
  let running = false;
  let nextId = 1;
  /**
   * The backend's answer to a startup packet (authentication ok, parameters, ready). The session
   * is one and the same for every connection, so after the first it is replayed at once: opening a
   * connection never waits for another connection's transaction.
   */
  let startupReply: Buffer | undefined;
  {
    // Answered once before any client connects (this also warms the backend up).
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const packet = Buffer.alloc(8 + params.length);
    packet.writeInt32BE(packet.length, 0);
    packet.writeInt32BE(PROTOCOL_3, 4);
    params.copy(packet, 8);
    const out: Buffer[] = [];
    await execute(packet, (data) => out.push(Buffer.from(data)));
    startupReply = Buffer.concat(out);
    await db.query('select 1');
  }

  /** Frames complete messages out of a connection's bytes; answers SSL requests with 'N'. */
  function frame(conn: Conn): void {
    for (;;) {
      const b = conn.buffer;
      if (b.length < 5) return;
      if (b[0] === 0) {
        // An untyped startup-phase message: length, then a code.
        if (b.length < 8) return;
        const len = b.readInt32BE(0);
        if (b.length < len) return;
        const code = b.readInt32BE(4);
        conn.buffer = b.subarray(len);
        if (code === SSL_REQUEST) conn.socket.write('N');
        else if (code === CANCEL_REQUEST) conn.socket.end();
        else if (code === PROTOCOL_3) conn.messages.push(Buffer.from(b.subarray(0, len)));
        else conn.socket.destroy();
        continue;
      }
      const len = 1 + b.readInt32BE(1);
      if (b.length < len) return;
      conn.messages.push(Buffer.from(b.subarray(0, len)));
      conn.buffer = b.subarray(len);
    }
  }

  function wantTurn(conn: Conn): void {
    if (conn.messages.length === 0 || conn.closed) return;
    if (owner !== conn && !waiting.includes(conn)) waiting.push(conn);
    void run();
  }

  async function execute(message: Buffer, onData?: (data: Uint8Array) => void): Promise<void> {
    await db.execProtocolRawStream(new Uint8Array(message.buffer, message.byteOffset, message.length), {
      onRawData: (data) => onData?.(data),
    });
  }

  /** Leaves the backend as a new connection expects it: no exchange half-done, no transaction open. */
  async function reset(): Promise<void> {
    if (midExchange) await execute(SYNC);
    midExchange = false;
    if (db.isInTransaction()) await db.exec('rollback');
  }

  async function run(): Promise<void> {
    if (running) return;
    running = true;
    try {
      for (;;) {
        if (owner && owner.closed) {
          await reset();
          owner = null;
        }
        if (!owner) {
          const next = waiting.shift();
          if (!next) return;
          if (next.closed) continue;
          owner = next;
        }
        const conn = owner;
        const message = conn.messages.shift();
        if (!message) {
          // The owner holds the backend (a transaction or an exchange is open) but has sent
          // nothing more yet: wait for its next message (or its disconnection).
          return;
        }
        const type = message[0];
        if (type === 0x58 /* Terminate */) {
          conn.closed = true;
          conn.socket.end();
          continue;
        }
        const out: Buffer[] = [];
        await execute(message, (data) => {
          const chunk = Buffer.from(data);
          if (type === 0) out.push(chunk);
          if (!conn.closed) conn.socket.write(chunk);
        });
        if (type === 0 && !startupReply) startupReply = Buffer.concat(out);
        const boundary = type === 0 /* startup */ || type === 0x53 /* Sync */ || type === 0x51 /* Query */;
        midExchange = !boundary;
        if (boundary && !db.isInTransaction()) {
          owner = null;
          // Its further messages queue behind those already waiting.
          if (conn.messages.length > 0) waiting.push(conn);
        }
      }
    } catch (err) {
      post({ type: 'fault', message: err instanceof Error ? err.message : String(err) });
      if (owner) owner.socket.destroy();
    } finally {
      running = false;
    }
  }

  const server = createServer((socket) => {
    const conn: Conn = { id: nextId++, socket, buffer: Buffer.alloc(0), messages: [], closed: false };
    conns.add(conn);
    socket.setNoDelay(true);
    socket.on('data', (data) => {
      conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, data]) : data;
      frame(conn);
      if (startupReply && conn.messages[0]?.[0] === 0) {
        conn.messages.shift();
        socket.write(startupReply);
      }
      if (owner === conn) void run();
      else wantTurn(conn);
    });
    const gone = () => {
      if (conn.closed && !conns.has(conn)) return;
      conn.closed = true;
      conns.delete(conn);
      const i = waiting.indexOf(conn);
      if (i >= 0) waiting.splice(i, 1);
      if (owner === conn) void run();
    };
    socket.on('close', gone);
    socket.on('error', gone);
  });
  try { unlinkSync(options.socketPath); } catch { /* none left over */ }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });

  return async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const c of conns) c.socket.destroy();
    });
    while (running) await new Promise((r) => setTimeout(r, 5));
    if (!db.closed) await db.close();
  };
}

if (parentPort && workerData && (workerData as { medaiPgliteHost?: boolean }).medaiPgliteHost) {
  const port = parentPort;
  const options = (workerData as { options: HostOptions }).options;
  host(options, (m) => port.postMessage(m)).then(
    (close) => {
      port.on('message', (m: { type: string }) => {
        if (m.type !== 'close') return;
        close().then(
          () => port.postMessage({ type: 'closed' }),
          (err: unknown) => port.postMessage({ type: 'closed', error: err instanceof Error ? err.message : String(err) }),
        );
      });
      port.postMessage({ type: 'ready' });
    },
    (err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
}
