import { createServer, connect, type Server, type Socket } from 'node:net';
import type { EmbeddedConnection } from '../../src/platform/embedded';

export type ProxyMode = 'pass' | 'refuse' | 'stall';

/**
 * A TCP proxy on loopback between the service and its database, to play a database that is up
 * (`pass`), unreachable (`refuse`: the port closed, open connections cut) or frozen (`stall`:
 * connections accepted and kept, nothing forwarded either way). The real database is never touched.
 */
export class FaultyProxy {
  mode: ProxyMode = 'pass';
  private server?: Server;
  private port = 0;
  private pairs = new Set<[Socket, Socket | undefined]>();

  constructor(private readonly target: EmbeddedConnection | string) {}

  /** Starts listening; the connection for `pg` through the proxy (what `createDb`'s `via` wants). */
  async start(): Promise<EmbeddedConnection> {
    await this.listen();
    const t = this.target;
    if (typeof t === 'string') {
      const u = new URL(t);
      return { host: '127.0.0.1', port: this.port, user: decodeURIComponent(u.username || 'postgres'), database: u.pathname.slice(1) || 'postgres' };
    }
    return { host: '127.0.0.1', port: this.port, user: t.user, database: t.database };
  }

  private listen(): Promise<void> {
    this.server = createServer((client) => {
      const pair: [Socket, Socket | undefined] = [client, undefined];
      this.pairs.add(pair);
      client.on('error', () => {});
      client.on('close', () => { pair[1]?.destroy(); this.pairs.delete(pair); });
      if (this.mode === 'stall') return;
      const t = this.target;
      const upstream = typeof t === 'string'
        ? connect({ host: new URL(t).hostname, port: Number(new URL(t).port || 5432) })
        : connect({ path: `${t.host}/.s.PGSQL.${t.port}` });
      pair[1] = upstream;
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => client.destroy());
      client.on('data', (d) => { if (this.mode === 'pass') upstream.write(d); });
      upstream.on('data', (d) => { if (this.mode === 'pass') client.write(d); });
    });
    return new Promise((resolve) => this.server!.listen(this.port, '127.0.0.1', () => {
      this.port = (this.server!.address() as { port: number }).port;
      resolve();
    }));
  }

  async setMode(mode: ProxyMode): Promise<void> {
    const was = this.mode;
    this.mode = mode;
    if (mode === 'refuse' && was !== 'refuse') {
      await new Promise<void>((resolve) => { this.server!.close(() => resolve()); for (const [a, b] of this.pairs) { a.destroy(); b?.destroy(); } });
    }
    if (mode !== 'refuse' && was === 'refuse') await this.listen();
  }

  async stop(): Promise<void> {
    for (const [a, b] of this.pairs) { a.destroy(); b?.destroy(); }
    if (this.mode !== 'refuse') await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
