import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HostOptions } from './pglite-host';

/** Where a pg client reaches an embedded database: a Unix socket `host/.s.PGSQL.port`. */
export type EmbeddedConnection = { host: string; port: number; user: string; database: string };

export type Embedded = {
  connection: EmbeddedConnection;
  /** Stops the database thread (its data are on disk or, for a dump, gone) and frees the lock. */
  close: () => Promise<void>;
};

/** Another live process has this data directory open. */
export class DatabaseLockedError extends Error {
  constructor(public readonly lockFile: string, public readonly pid: number, public readonly socketDir?: string) {
    super(`the embedded database under ${lockFile.replace(/\.lock$/, '')} is in use by process ${pid}; stop it first, or set DATABASE_URL to share a PostgreSQL`);
    this.name = 'DatabaseLockedError';
  }
}

const SOCKET_PORT = 5432;
const connectionOf = (socketDir: string): EmbeddedConnection => ({ host: socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres' });

type LockContent = { pid: number; socketDir: string; startedAt: string };

/** Lock files this process holds: a lock naming this pid but not held here is stale (a container restarted with the same pid). */
const heldHere = new Set<string>();

function holderAlive(lockFile: string, pid: number): boolean {
  return pid === process.pid ? heldHere.has(lockFile) : alive(pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<DATA_DIR>/pglite.lock` (created exclusively, holding the owner's pid and socket). A lock
 * left by a process that is gone is taken over; one held by a live process throws
 * `DatabaseLockedError`, which names that process's socket so a caller may go through it.
 */
function takeLock(lockFile: string, socketDir: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      const content: LockContent = { pid: process.pid, socketDir, startedAt: new Date().toISOString() };
      writeSync(fd, JSON.stringify(content));
      closeSync(fd);
      heldHere.add(lockFile);
      return () => {
        heldHere.delete(lockFile);
        try {
          const now = JSON.parse(readFileSync(lockFile, 'utf8')) as LockContent;
          if (now.pid === process.pid && now.socketDir === socketDir) unlinkSync(lockFile);
        } catch { /* already gone */ }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let held: LockContent | undefined;
    try { held = JSON.parse(readFileSync(lockFile, 'utf8')) as LockContent; } catch { /* half-written or unreadable */ }
    if (held && holderAlive(lockFile, held.pid)) throw new DatabaseLockedError(lockFile, held.pid, held.socketDir);
    if (!held) {
      // Being written by another starter this instant, or garbage: look again shortly.
      const until = Date.now() + 200;
      while (Date.now() < until) { /* a brief spin; this runs once at start */ }
      try { held = JSON.parse(readFileSync(lockFile, 'utf8')) as LockContent; } catch { /* garbage */ }
      if (held && holderAlive(lockFile, held.pid)) throw new DatabaseLockedError(lockFile, held.pid, held.socketDir);
    }
    try { unlinkSync(lockFile); } catch { /* someone else removed it */ }
  }
  throw new Error(`could not take the lock ${lockFile}`);
}

/** The socket of the live process that holds the data directory, if one does. */
export function runningEmbedded(dataDir: string): EmbeddedConnection | undefined {
  const lockFile = resolve(dataDir, 'pglite.lock');
  try {
    const held = JSON.parse(readFileSync(lockFile, 'utf8')) as LockContent;
    if (holderAlive(lockFile, held.pid) && existsSync(join(held.socketDir, `.s.PGSQL.${SOCKET_PORT}`))) return connectionOf(held.socketDir);
  } catch { /* no lock, or unreadable */ }
  return undefined;
}

/** The worker's entry: the compiled file, or the TypeScript source through tsx (tests, `npm run dev`). */
function workerEntry(): { file: string; execArgv: string[] } {
  const ts = __filename.endsWith('.ts');
  const file = join(__dirname, ts ? 'pglite-host.ts' : 'pglite-host.js');
  return { file, execArgv: ts ? ['--require', require.resolve('tsx/cjs')] : [] };
}

/**
 * Starts PGlite in a worker thread serving the PostgreSQL wire protocol on a private Unix socket
 * (in a fresh directory only this user may enter). `dataDir`: a persistent database, locked
 * against a second opener; `loadDataDir`: an in-memory copy of a dump (tests).
 */
export async function startEmbedded(options: { dataDir?: string; loadDataDir?: string }): Promise<Embedded> {
  const socketDir = mkdtempSync(join(tmpdir(), 'medai-pglite-'));
  let unlock = () => {};
  if (options.dataDir) {
    const dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    try {
      unlock = takeLock(resolve(dataDir, '..', 'pglite.lock'), socketDir);
    } catch (err) {
      rmSync(socketDir, { recursive: true, force: true });
      throw err;
    }
  }
  const hostOptions: HostOptions = { dataDir: options.dataDir ? resolve(options.dataDir) : undefined, loadDataDir: options.loadDataDir, socketPath: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`) };
  const entry = workerEntry();
  const worker = new Worker(entry.file, { workerData: { medaiPgliteHost: true, options: hostOptions }, execArgv: entry.execArgv });
  const cleanup = () => {
    unlock();
    rmSync(socketDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolveReady, reject) => {
      const onMessage = (m: { type: string; message?: string }) => {
        if (m.type === 'ready') { off(); resolveReady(); }
        if (m.type === 'error') { off(); reject(new Error(`the embedded database did not start: ${m.message}`)); }
      };
      const onError = (err: Error) => { off(); reject(err); };
      const onExit = (code: number) => { off(); reject(new Error(`the embedded database thread exited (${code}) while starting`)); };
      const off = () => { worker.off('message', onMessage); worker.off('error', onError); worker.off('exit', onExit); };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  } catch (err) {
    await worker.terminate();
    cleanup();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    connection: connectionOf(socketDir),
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((done) => {
          const timer = setTimeout(() => { void worker.terminate().then(() => done()); }, 10_000);
          worker.once('exit', () => { clearTimeout(timer); done(); });
          worker.on('message', (m: { type: string }) => { if (m.type === 'closed') void worker.terminate(); });
          worker.postMessage({ type: 'close' });
        });
        cleanup();
      })();
      return closing;
    },
  };
}
