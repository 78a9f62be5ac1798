import type { FastifyInstance } from 'fastify';
import type { Contract } from './contract';
import type { Db } from './db';
import { AppError } from './errors';
import { operation } from './routes';

/** A readiness probe must answer quickly even when the database hangs. */
const READY_TIMEOUT_MS = 2000;

export function healthRoutes(app: FastifyInstance, deps: { contract: Contract; db: Db }): void {
  operation(app, deps.contract, 'healthLive', async () => ({ status: 'ok' }), { logLevel: 'warn' });
  operation(app, deps.contract, 'healthReady', async () => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS); });
      await Promise.race([deps.db.raw('select 1'), timeout]);
    } catch {
      throw new AppError(503, 'not-ready', 'Not ready', 'The database does not answer');
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ok', database: 'ok' };
  }, { logLevel: 'warn' });
}
