import type { FastifyInstance } from 'fastify';
import type { Contract } from './contract';
import type { Db } from './db';
import { AppError } from './errors';
import { operation } from './routes';

export function healthRoutes(app: FastifyInstance, deps: { contract: Contract; db: Db }): void {
  operation(app, deps.contract, 'healthLive', async () => ({ status: 'ok' }), { logLevel: 'warn' });
  operation(app, deps.contract, 'healthReady', async () => {
    try {
      await deps.db.raw('select 1');
    } catch {
      throw new AppError(503, 'not-ready', 'Not ready', 'The database does not answer');
    }
    return { status: 'ok', database: 'ok' };
  }, { logLevel: 'warn' });
}
